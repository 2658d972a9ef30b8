"""Events: one entry each with type, reason, the object, count, times and message, and
the time an event last happened (for sorting oldest to newest)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kubernaut.tools.read.summaries.common import clip, drop_empty

Obj = dict[str, Any]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def last_seen(event: Obj) -> str | None:
    """When the event last happened: its last timestamp, series or event time, else its
    creation."""
    series = event.get("series") or {}
    metadata = event.get("metadata") or {}
    for value in (
        event.get("lastTimestamp"),
        series.get("lastObservedTime"),
        event.get("eventTime"),
        event.get("firstTimestamp"),
        metadata.get("creationTimestamp"),
    ):
        if value:
            return str(value)
    return None


def sort_key(event: Obj) -> tuple[datetime, int]:
    """Oldest first; ties by resourceVersion (the order they were written)."""
    seen = last_seen(event)
    moment = _parse(seen) if seen else _EPOCH
    version = str((event.get("metadata") or {}).get("resourceVersion") or "0")
    return moment, int(version) if version.isdigit() else 0


def summarize_event(event: Obj) -> Obj:
    involved = event.get("involvedObject") or event.get("regarding") or {}
    source = event.get("source") or {}
    count = event.get("count") or (event.get("series") or {}).get("count") or 1
    return drop_empty(
        {
            "type": event.get("type") or "Normal",
            "reason": event.get("reason"),
            "object": f"{involved.get('kind')}/{involved.get('name')}",
            "count": int(count),
            "first": event.get("firstTimestamp") or event.get("eventTime"),
            "last": last_seen(event),
            "source": source.get("component") or event.get("reportingComponent"),
            "message": clip(event.get("message") or event.get("note") or ""),
        }
    )


def _parse(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return _EPOCH
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
