"""Status conditions the way the apps and batch controllers keep them."""

from __future__ import annotations

from kubernaut.sim.objects import Obj
from kubernaut.sim.podutil import find_condition

__all__ = ["condition_true", "find_condition", "remove_condition", "set_condition"]


def condition_true(status: Obj, condition_type: str) -> bool:
    condition = find_condition(status, condition_type)
    return condition is not None and condition.get("status") == "True"


def remove_condition(status: Obj, condition_type: str) -> None:
    kept = [c for c in status.get("conditions") or [] if c.get("type") != condition_type]
    if kept:
        status["conditions"] = kept
    else:
        status.pop("conditions", None)


def set_condition(status: Obj, condition: Obj) -> None:
    """Set ``condition`` like the deployment and replica set controllers do.

    Nothing changes when the current condition has the same status and reason (so
    ``lastUpdateTime`` stays put); the transition time survives a same-status update;
    the replaced condition moves to the end of the list, which is why ``Available``
    usually precedes ``Progressing``.
    """
    current = find_condition(status, condition["type"])
    if current is not None:
        if current.get("status") == condition["status"] and current.get("reason") == condition.get(
            "reason"
        ):
            return
        if current.get("status") == condition["status"] and "lastTransitionTime" in current:
            condition = {**condition, "lastTransitionTime": current["lastTransitionTime"]}
    remove_condition(status, condition["type"])
    status.setdefault("conditions", []).append(condition)


def omit_zero(status: Obj, fields: tuple[str, ...]) -> Obj:
    """Drop the zero-valued ``fields`` (``omitempty`` counters in the real API types)."""
    for field in fields:
        if not status.get(field):
            status.pop(field, None)
    return status
