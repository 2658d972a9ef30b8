"""Kubernetes Events about an object, as ``kubectl describe`` shows them."""

from __future__ import annotations

import enum
import hashlib
from datetime import UTC, datetime
from typing import Any

from kubernaut.kube.client import KubeClient
from kubernaut.kube.errors import KubeApiError

COMPONENT = "kubernaut"
AT_ANNOTATION = "kubernaut.io/at"
"""On the Events Kubernaut posts: when, to the microsecond (core/v1 Event timestamps
keep whole seconds), so a follower can put them in order with the decision trail."""


class EventType(enum.StrEnum):
    NORMAL = "Normal"
    WARNING = "Warning"


async def post_event(
    client: KubeClient,
    obj: dict[str, Any],
    reason: str,
    message: str,
    *,
    type_: EventType = EventType.NORMAL,
    component: str = COMPONENT,
    now: datetime | None = None,
) -> None:
    """A core/v1 Event about ``obj`` in its namespace (``default`` when it has none).
    The same event twice in one second is posted once."""
    metadata = obj.get("metadata") or {}
    namespace = metadata.get("namespace") or "default"
    when = now or datetime.now(UTC)
    moment = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    seed = f"{metadata.get('uid')}{reason}{message}{moment}".encode()
    name = f"{metadata.get('name', 'object')}.{hashlib.sha256(seed).hexdigest()[:16]}"
    event = {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {
            "name": name[:253],
            "namespace": namespace,
            "annotations": {AT_ANNOTATION: when.isoformat()},
        },
        "involvedObject": {
            "apiVersion": obj.get("apiVersion", ""),
            "kind": obj.get("kind", ""),
            "name": metadata.get("name", ""),
            "namespace": metadata.get("namespace", ""),
            "uid": metadata.get("uid", ""),
            "resourceVersion": metadata.get("resourceVersion", ""),
        },
        "reason": reason,
        "message": message[:1024],
        "type": type_.value,
        "source": {"component": component},
        "reportingComponent": component,
        "firstTimestamp": moment,
        "lastTimestamp": moment,
        "count": 1,
    }
    try:
        await client.create(event)
    except KubeApiError as error:
        if error.status != 409:
            raise
