"""How full volumes are: the kubelet's ``kubelet_volume_stats_*`` metrics, read through
the API server's node proxy (``/api/v1/nodes/NODE/proxy/metrics``)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from kubernaut.kube import KubeClient, KubeError
from kubernaut.tools.read.quantities import readable_bytes

_SAMPLE = re.compile(
    r"^kubelet_volume_stats_(?P<what>capacity|used|available)_bytes\{(?P<labels>[^}]*)\}\s+"
    r"(?P<value>[0-9.eE+-]+)"
)
_LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


@dataclass(frozen=True)
class VolumeStats:
    namespace: str
    claim: str
    node: str
    capacity_bytes: int
    used_bytes: int
    available_bytes: int

    @property
    def used_fraction(self) -> float:
        return self.used_bytes / self.capacity_bytes if self.capacity_bytes else 0.0

    @property
    def usage_text(self) -> str:
        """``10Gi of 10Gi used (100%), 0 available``."""
        used, capacity = readable_bytes(self.used_bytes), readable_bytes(self.capacity_bytes)
        available = readable_bytes(self.available_bytes)
        share = round(100 * self.used_fraction)
        return f"{used} of {capacity} used ({share}%), {available} available"


async def volume_stats(
    client: KubeClient, nodes: Iterable[str]
) -> dict[tuple[str, str], VolumeStats]:
    """Stats per (namespace, claim) from the given nodes. Nodes whose metrics cannot be
    read (no proxy access, kubelet down) are skipped: the stats are a best effort."""
    found: dict[tuple[str, str], VolumeStats] = {}
    for node in sorted(set(nodes)):
        try:
            text = await client.raw(f"/api/v1/nodes/{node}/proxy/metrics")
        except KubeError:
            continue
        found.update(parse_volume_stats(text, node))
    return found


def parse_volume_stats(text: str, node: str) -> dict[tuple[str, str], VolumeStats]:
    values: dict[tuple[str, str], dict[str, int]] = {}
    for line in text.splitlines():
        match = _SAMPLE.match(line.strip())
        if match is None:
            continue
        labels = dict(_LABEL.findall(match.group("labels")))
        key = (labels.get("namespace", ""), labels.get("persistentvolumeclaim", ""))
        try:
            values.setdefault(key, {})[match.group("what")] = int(float(match.group("value")))
        except ValueError:
            continue
    return {
        key: VolumeStats(
            key[0],
            key[1],
            node,
            sample.get("capacity", 0),
            sample.get("used", 0),
            sample.get("available", 0),
        )
        for key, sample in values.items()
        if "capacity" in sample
    }
