"""Kubernetes Events as the real components write them: aggregated by object, reason and message."""

from __future__ import annotations

from datetime import datetime

from kubernaut.sim.clock import SimClock, format_time
from kubernaut.sim.errors import ApiError
from kubernaut.sim.objects import Obj
from kubernaut.sim.resources import ResourceRegistry
from kubernaut.sim.store import Store


class EventRecorder:
    def __init__(self, store: Store, registry: ResourceRegistry, clock: SimClock) -> None:
        self._store = store
        self._events = registry.lookup("", "v1", "events")
        self._clock = clock
        self._recent: dict[tuple[str, str, str, str], str] = {}
        self._last_stamp = 0

    def record(
        self,
        obj: Obj,
        event_type: str,
        reason: str,
        message: str,
        *,
        component: str,
        host: str | None = None,
        field_path: str | None = None,
    ) -> None:
        """Post an Event about ``obj``, or bump the count of the same recent one."""
        metadata = obj["metadata"]
        namespace = metadata.get("namespace") or "default"
        key = (metadata["uid"], reason, message, field_path or "")
        now = self._clock.now()
        existing_name = self._recent.get(key)
        if existing_name is not None:
            bumped = self._store.mutate(
                self._events, namespace, existing_name, lambda e: _bump(e, format_time(now))
            )
            if bumped is not None:
                return
        involved = {
            "apiVersion": obj.get("apiVersion", "v1"),
            "kind": obj.get("kind", ""),
            "name": metadata["name"],
            "namespace": metadata.get("namespace", ""),
            "uid": metadata["uid"],
            "resourceVersion": metadata.get("resourceVersion", ""),
        }
        if field_path:
            involved["fieldPath"] = field_path
        if not involved["namespace"]:
            del involved["namespace"]
        source = {"component": component, **({"host": host} if host else {})}
        event = {
            "metadata": {
                "name": f"{metadata['name']}.{self._next_stamp(now):x}",
                "namespace": namespace,
            },
            "involvedObject": involved,
            "reason": reason,
            "message": message,
            "type": event_type,
            "source": source,
            "count": 1,
            "firstTimestamp": format_time(now),
            "lastTimestamp": format_time(now),
            "eventTime": None,
            "reportingComponent": component,
            "reportingInstance": host or "",
        }
        try:
            created = self._store.create(self._events, event)
        except ApiError:
            return  # the namespace is going away; real recorders drop the event too
        self._recent[key] = created["metadata"]["name"]

    def _next_stamp(self, now: datetime) -> int:
        """Event names end in a nanosecond stamp, as real ones do, so names sort by time."""
        stamp = max(int(now.timestamp() * 1e9), self._last_stamp + 1)
        self._last_stamp = stamp
        return stamp


def _bump(event: Obj, now: str) -> None:
    event["count"] = int(event.get("count", 1)) + 1
    event["lastTimestamp"] = now
