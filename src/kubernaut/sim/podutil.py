"""Facts about pods and nodes that several controllers need."""

from __future__ import annotations

from kubernaut.core.quantity import bytes_of, millicores
from kubernaut.sim.objects import Obj


def find_condition(status: Obj, condition_type: str) -> Obj | None:
    """The condition of ``condition_type`` in a status (not an object), if any."""
    for entry in status.get("conditions") or []:
        if entry.get("type") == condition_type:
            found: Obj = entry
            return found
    return None


def condition(obj: Obj, condition_type: str) -> Obj | None:
    return find_condition(obj.get("status") or {}, condition_type)


def condition_true(obj: Obj, condition_type: str) -> bool:
    entry = condition(obj, condition_type)
    return entry is not None and entry.get("status") == "True"


def set_condition(
    obj: Obj,
    condition_type: str,
    status: str,
    now: str,
    reason: str | None = None,
    message: str | None = None,
) -> None:
    """Set a condition, moving lastTransitionTime only when the status changes."""
    conditions = obj.setdefault("status", {}).setdefault("conditions", [])
    entry: Obj = {"type": condition_type, "status": status}
    for existing in conditions:
        if existing.get("type") == condition_type:
            transition = (
                existing.get("lastTransitionTime") if existing.get("status") == status else now
            )
            entry["lastTransitionTime"] = transition or now
            if "lastProbeTime" in existing:
                entry["lastProbeTime"] = existing["lastProbeTime"]
            if reason is not None:
                entry["reason"] = reason
            if message is not None:
                entry["message"] = message
            existing.clear()
            existing.update(entry)
            return
    entry["lastTransitionTime"] = now
    if reason is not None:
        entry["reason"] = reason
    if message is not None:
        entry["message"] = message
    conditions.append(entry)


def is_pod_ready(pod: Obj) -> bool:
    return condition_true(pod, "Ready")


def is_terminated(pod: Obj) -> bool:
    return pod.get("status", {}).get("phase") in ("Succeeded", "Failed")


def pod_requests(pod: Obj) -> tuple[int, int]:
    """(CPU millicores, memory bytes) the scheduler accounts for this pod."""
    cpu = memory = 0
    for container in pod.get("spec", {}).get("containers") or []:
        requests = (container.get("resources") or {}).get("requests") or {}
        cpu += millicores(requests.get("cpu"))
        memory += bytes_of(requests.get("memory"))
    for container in pod.get("spec", {}).get("initContainers") or []:
        requests = (container.get("resources") or {}).get("requests") or {}
        cpu = max(cpu, millicores(requests.get("cpu")))
        memory = max(memory, bytes_of(requests.get("memory")))
    return cpu, memory


def tolerates(tolerations: list[Obj], taint: Obj) -> bool:
    for toleration in tolerations:
        effect = toleration.get("effect")
        if effect and effect != taint.get("effect"):
            continue
        key = toleration.get("key")
        if toleration.get("operator") == "Exists":
            if not key or key == taint.get("key"):
                return True
        elif key == taint.get("key") and toleration.get("value", "") == taint.get("value", ""):
            return True
    return False
