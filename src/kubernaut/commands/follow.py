"""Following one remediation as it happens, the way kubectl sees it: the events its
RemediationRequest and children post at each phase change, and each decision of the
graph's nodes from their status trail."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from kubernaut.crds import API_VERSION, RemediationRequest
from kubernaut.crds.definitions import ALL_KINDS
from kubernaut.crds.meta import REMEDIATION_LABEL
from kubernaut.kube import KubeClient
from kubernaut.kube.events import AT_ANNOTATION

SHORT = {kind.kind: kind.short_names[0] for kind in ALL_KINDS}
POLL_SECONDS = 0.2
EARLIEST = datetime.min.replace(tzinfo=UTC)

Echo = Callable[[str], None]


class Follower:
    def __init__(self, client: KubeClient, namespace: str, echo: Echo) -> None:
        self._client = client
        self._namespace = namespace
        self._echo = echo
        self._seen_events: set[str] = set()
        self._trail: dict[tuple[str, str], int] = {}

    async def until_done(self, name: str, *, limit: float) -> RemediationRequest | None:
        """Print progress until the RemediationRequest ends (or ``limit`` seconds pass);
        it as it ended, or None when it did not."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            remediation = await self._step(name)
            if remediation is not None and remediation.status.phase.terminal:
                return remediation
            await asyncio.sleep(POLL_SECONDS)
        return None

    async def _step(self, name: str) -> RemediationRequest | None:
        found = await self._client.get(API_VERSION, RemediationRequest.KIND, self._namespace, name)
        if found is None:
            return None
        children: list[dict[str, Any]] = []
        for kind in ALL_KINDS[1:]:
            children += await self._client.list(
                API_VERSION, kind.kind, self._namespace, f"{REMEDIATION_LABEL}={name[:63]}"
            )
        names = {name} | {str(child["metadata"]["name"]) for child in children}
        lines: list[tuple[datetime, int, list[str]]] = []
        events = await self._client.list("v1", "Event", self._namespace)
        for event in sorted(events, key=_version):
            involved = event.get("involvedObject") or {}
            uid = str(event["metadata"].get("uid") or event["metadata"]["name"])
            if involved.get("name") in names and uid not in self._seen_events:
                self._seen_events.add(uid)
                short = SHORT.get(str(involved.get("kind")), str(involved.get("kind")))
                reason = str(event.get("reason", ""))
                text = f"  {short:<4}{reason:<17} {involved['name']}: {event.get('message', '')}"
                lines.append((_event_time(event), len(lines), [text]))
        for obj in children:
            for entry in self._new_trail(obj):
                lines.append((_moment(entry.get("ended")), len(lines), _trail_lines(entry)))
        for _, _, texts in sorted(lines):
            for text in texts:
                self._echo(text)
        return RemediationRequest.parse(found)

    def _new_trail(self, obj: dict[str, Any]) -> list[dict[str, Any]]:
        key = (str(obj["kind"]), str(obj["metadata"]["name"]))
        trail = (obj.get("status") or {}).get("trail") or []
        new = trail[self._trail.get(key, 0) :]
        self._trail[key] = len(trail)
        return list(new)


def _trail_lines(entry: dict[str, Any]) -> list[str]:
    lines = [f"        {entry['node']:<12}{entry.get('summary', '')}"]
    if entry.get("decision"):
        lines.append(f"        {'':<12}-> {entry['decision']}")
    return lines


def _event_time(event: dict[str, Any]) -> datetime:
    """When the event happened: Kubernaut's own microsecond stamp, else the event's
    whole-second one."""
    annotations = (event.get("metadata") or {}).get("annotations") or {}
    return _moment(annotations.get(AT_ANNOTATION) or event.get("lastTimestamp"))


def _moment(stamp: Any) -> datetime:
    try:
        return datetime.fromisoformat(str(stamp))
    except ValueError:
        return EARLIEST


def _version(obj: dict[str, Any]) -> int:
    """Events in the order the API server stored them."""
    version = str((obj.get("metadata") or {}).get("resourceVersion") or "0")
    return int(version) if version.isdigit() else 0
