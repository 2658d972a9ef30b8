"""A Deployment's status: counts from its replica sets, Available and Progressing conditions."""

from __future__ import annotations

from datetime import datetime

from kubernaut.sim.clock import format_time, parse_time
from kubernaut.sim.controllers.workloads.conditions import (
    find_condition,
    omit_zero,
    remove_condition,
    set_condition,
)
from kubernaut.sim.controllers.workloads.rollout import (
    max_unavailable,
    spec_replicas,
    total_spec,
    total_status,
)
from kubernaut.sim.objects import Obj

PROGRESSING = "Progressing"
AVAILABLE = "Available"
NEW_RS_AVAILABLE = "NewReplicaSetAvailable"
TIMED_OUT = "ProgressDeadlineExceeded"

_NO_DEADLINE = 2**31 - 1
_COUNTERS = (
    "replicas",
    "updatedReplicas",
    "readyReplicas",
    "availableReplicas",
    "unavailableReplicas",
    "observedGeneration",
    "collisionCount",
)


def new_condition(
    condition_type: str, status: str, reason: str, message: str, now: datetime
) -> Obj:
    stamp = format_time(now)
    return {
        "type": condition_type,
        "status": status,
        "lastUpdateTime": stamp,
        "lastTransitionTime": stamp,
        "reason": reason,
        "message": message,
    }


def progress_deadline(deployment: Obj) -> int | None:
    deadline = deployment.get("spec", {}).get("progressDeadlineSeconds")
    if deadline is None or int(deadline) == _NO_DEADLINE:
        return None
    return int(deadline)


def calculate_status(
    deployment: Obj, all_sets: list[Obj | None], new_set: Obj | None, working: Obj, now: datetime
) -> Obj:
    """Counts summed over the replica sets, keeping ``working``'s conditions, plus Available."""
    available = total_status(all_sets, "availableReplicas")
    status: Obj = {
        "observedGeneration": deployment["metadata"].get("generation", 1),
        "replicas": total_status(all_sets, "replicas"),
        "updatedReplicas": total_status([new_set], "replicas"),
        "readyReplicas": total_status(all_sets, "readyReplicas"),
        "availableReplicas": available,
        "unavailableReplicas": max(total_spec(all_sets) - available, 0),
        "collisionCount": working.get("collisionCount"),
    }
    if working.get("conditions"):
        status["conditions"] = [dict(condition) for condition in working["conditions"]]
    if available >= spec_replicas(deployment) - max_unavailable(deployment):
        condition = new_condition(
            AVAILABLE,
            "True",
            "MinimumReplicasAvailable",
            "Deployment has minimum availability.",
            now,
        )
    else:
        condition = new_condition(
            AVAILABLE,
            "False",
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.",
            now,
        )
    set_condition(status, condition)
    return omit_zero(status, _COUNTERS)


def is_complete(deployment: Obj, status: Obj) -> bool:
    """Every desired replica updated and available, and the latest spec observed."""
    desired = spec_replicas(deployment)
    return (
        int(status.get("updatedReplicas") or 0) == desired
        and int(status.get("replicas") or 0) == desired
        and int(status.get("availableReplicas") or 0) == desired
        and int(status.get("observedGeneration") or 0)
        >= int(deployment["metadata"].get("generation", 1))
    )


def _made_progress(old: Obj, new: Obj) -> bool:
    def count(status: Obj, field: str) -> int:
        return int(status.get(field) or 0)

    old_leftovers = count(old, "replicas") - count(old, "updatedReplicas")
    new_leftovers = count(new, "replicas") - count(new, "updatedReplicas")
    return (
        count(new, "updatedReplicas") > count(old, "updatedReplicas")
        or new_leftovers < old_leftovers
        or count(new, "readyReplicas") > count(old, "readyReplicas")
        or count(new, "availableReplicas") > count(old, "availableReplicas")
    )


def _timed_out(deadline: int, status: Obj, now: datetime) -> bool:
    condition = find_condition(status, PROGRESSING)
    if condition is None or condition.get("reason") == NEW_RS_AVAILABLE:
        return False
    if condition.get("reason") == TIMED_OUT:
        return True
    since = parse_time(condition["lastUpdateTime"])
    return (now - since).total_seconds() > deadline


def _subject(deployment: Obj, new_set: Obj | None) -> str:
    if new_set is None:
        return f'Deployment "{deployment["metadata"]["name"]}"'
    return f'ReplicaSet "{new_set["metadata"]["name"]}"'


def estimate_progress(
    deployment: Obj, old: Obj, status: Obj, new_set: Obj | None, now: datetime
) -> None:
    """Update the Progressing condition of ``status`` from what changed since ``old``."""
    deadline = progress_deadline(deployment)
    if deadline is None:
        remove_condition(status, PROGRESSING)
        return
    current = find_condition(status, PROGRESSING)
    finished = (
        int(status.get("replicas") or 0) == int(status.get("updatedReplicas") or 0)
        and current is not None
        and current.get("reason") == NEW_RS_AVAILABLE
    )
    if finished:
        return
    subject = _subject(deployment, new_set)
    if is_complete(deployment, status):
        set_condition(
            status,
            new_condition(
                PROGRESSING,
                "True",
                NEW_RS_AVAILABLE,
                f"{subject} has successfully progressed.",
                now,
            ),
        )
    elif _made_progress(old, status):
        condition = new_condition(
            PROGRESSING, "True", "ReplicaSetUpdated", f"{subject} is progressing.", now
        )
        # Unlike other conditions, each sign of progress refreshes lastUpdateTime.
        if current is not None:
            if current.get("status") == "True":
                condition["lastTransitionTime"] = current["lastTransitionTime"]
            remove_condition(status, PROGRESSING)
        set_condition(status, condition)
    elif _timed_out(deadline, status, now):
        set_condition(
            status,
            new_condition(
                PROGRESSING, "False", TIMED_OUT, f"{subject} has timed out progressing.", now
            ),
        )


def seconds_until_deadline(deployment: Obj, status: Obj, now: datetime) -> float | None:
    """When a rollout still in progress must be checked for having missed its deadline."""
    deadline = progress_deadline(deployment)
    condition = find_condition(status, PROGRESSING)
    if deadline is None or condition is None or is_complete(deployment, status):
        return None
    if condition.get("status") != "True" or condition.get("reason") == NEW_RS_AVAILABLE:
        return None
    since = parse_time(condition["lastUpdateTime"])
    return max((since - now).total_seconds() + deadline, 0.0) + 1.0
