"""Installing the CRDs on a cluster: create, or replace what an older version installed,
then wait until the API server serves every kind."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable

import yaml

from kubernaut.crds.definitions import ALL_KINDS, CrdKind
from kubernaut.kube import KubeClient, KubeError
from kubernaut.kube.errors import KubeApiError

CRD_API_VERSION = "apiextensions.k8s.io/v1"


def render(kinds: Iterable[CrdKind] = ALL_KINDS) -> str:
    """The CRD manifests as one multi-document YAML stream."""
    return yaml.safe_dump_all([kind.manifest() for kind in kinds], sort_keys=False)


async def apply_crds(
    client: KubeClient, kinds: Iterable[CrdKind] = ALL_KINDS, *, wait_seconds: float = 30.0
) -> list[str]:
    """Create or update each CRD and wait until it is established; what was done, one line
    per CRD."""
    done: list[str] = []
    kinds = list(kinds)
    for kind in kinds:
        done.append(await _apply(client, kind))
    waiting = {kind.crd_name for kind in kinds}
    deadline = time.monotonic() + wait_seconds
    while True:
        waiting = {name for name in waiting if not await _established(client, name)}
        if not waiting:
            return done
        if time.monotonic() > deadline:
            raise KubeError(
                f"not established after {wait_seconds:g}s: {', '.join(sorted(waiting))}"
            )
        await asyncio.sleep(0.2)


async def _apply(client: KubeClient, kind: CrdKind) -> str:
    manifest = kind.manifest()
    try:
        await client.create(manifest)
        return f"{kind.crd_name} created"
    except KubeApiError as error:
        if error.status != 409:
            raise
    current = await client.get(CRD_API_VERSION, "CustomResourceDefinition", None, kind.crd_name)
    if current is None:
        raise KubeError(f"{kind.crd_name} vanished while being updated; run it again")
    manifest["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"]
    await client.replace(manifest)
    return f"{kind.crd_name} configured"


async def _established(client: KubeClient, name: str) -> bool:
    crd = await client.get(CRD_API_VERSION, "CustomResourceDefinition", None, name)
    conditions = ((crd or {}).get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Established" and c.get("status") == "True" for c in conditions)
