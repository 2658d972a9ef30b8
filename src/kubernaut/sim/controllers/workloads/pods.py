"""What workload controllers read from pods, and how they stamp new pods out of templates."""

from __future__ import annotations

from datetime import datetime

from kubernaut.sim.clock import parse_time
from kubernaut.sim.objects import Obj, deep_copy, is_deleting, owner_reference
from kubernaut.sim.resources import ResourceType
from kubernaut.sim.store import Store

TERMINAL_PHASES = frozenset({"Succeeded", "Failed"})


def phase(pod: Obj) -> str:
    return str(pod.get("status", {}).get("phase") or "")


def is_terminal(pod: Obj) -> bool:
    return phase(pod) in TERMINAL_PHASES


def is_active(pod: Obj) -> bool:
    """Counted towards a controller's replicas: neither finished nor being deleted."""
    return not is_terminal(pod) and not is_deleting(pod)


def ready_condition(pod: Obj) -> Obj | None:
    for condition in pod.get("status", {}).get("conditions") or []:
        if condition.get("type") == "Ready":
            found: Obj = condition
            return found
    return None


def is_ready(pod: Obj) -> bool:
    condition = ready_condition(pod)
    return condition is not None and condition.get("status") == "True"


def is_running_and_ready(pod: Obj) -> bool:
    return phase(pod) == "Running" and is_ready(pod)


def seconds_until_available(pod: Obj, min_ready_seconds: int, now: datetime) -> float | None:
    """0 when the pod is available, the wait when it is ready but not for long enough yet.

    None when it is not ready at all. Like the real check, a pod is available once it
    has been ready for strictly more than ``minReadySeconds``.
    """
    condition = ready_condition(pod)
    if condition is None or condition.get("status") != "True":
        return None
    if min_ready_seconds <= 0:
        return 0.0
    since = condition.get("lastTransitionTime")
    if not since:
        return 0.0
    remaining = (parse_time(since) - now).total_seconds() + min_ready_seconds
    return 0.0 if remaining < 0 else remaining + 1.0


def restart_count(pod: Obj) -> int:
    return sum(
        int(status.get("restartCount") or 0)
        for status in pod.get("status", {}).get("containerStatuses") or []
    )


def controlled_by(obj: Obj, owner_uid: str) -> bool:
    return any(
        ref.get("controller") and ref.get("uid") == owner_uid
        for ref in obj.get("metadata", {}).get("ownerReferences") or []
    )


def owned(store: Store, resource: ResourceType, owner: Obj) -> list[Obj]:
    """Stored objects of ``resource`` whose controller is ``owner`` (read-only!)."""
    uid = owner["metadata"]["uid"]
    return [
        obj
        for found_resource, obj in store.dependents(uid)
        if found_resource.key == resource.key and controlled_by(obj, uid)
    ]


def pod_from_template(
    template: Obj,
    owner: Obj,
    *,
    name: str | None = None,
    generate_name: str | None = None,
    labels: dict[str, str] | None = None,
    annotations: dict[str, str] | None = None,
) -> Obj:
    """A pod as a controller creates it: template metadata and spec, controlled by ``owner``."""
    template_meta = template.get("metadata") or {}
    metadata: Obj = {"namespace": owner["metadata"].get("namespace", "")}
    if name:
        metadata["name"] = name
    else:
        metadata["generateName"] = generate_name or f"{owner['metadata']['name']}-"
    pod_labels = {**(template_meta.get("labels") or {}), **(labels or {})}
    pod_annotations = {**(template_meta.get("annotations") or {}), **(annotations or {})}
    if pod_labels:
        metadata["labels"] = pod_labels
    if pod_annotations:
        metadata["annotations"] = pod_annotations
    if template_meta.get("finalizers"):
        metadata["finalizers"] = list(template_meta["finalizers"])
    metadata["ownerReferences"] = [owner_reference(owner)]
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": metadata,
        "spec": deep_copy(template.get("spec") or {}),
    }


def creation_key(obj: Obj) -> tuple[str, str]:
    """Sort key: oldest first, ties broken by name (as the real controllers sort)."""
    metadata = obj["metadata"]
    return (str(metadata.get("creationTimestamp", "")), str(metadata["name"]))
