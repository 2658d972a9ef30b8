"""Facts about pods that several predicates report: liveness, readiness, what is wrong."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from kubernaut.sim.objects import Obj
from kubernaut.sim.podutil import condition as object_condition
from kubernaut.sim.scenario.reader import ClusterReader, ObjList
from kubernaut.sim.selectors import LabelSelector


def is_live(pod: Obj) -> bool:
    """Not being deleted and not finished: a pod that is, or should be, running."""
    deleting = bool(pod["metadata"].get("deletionTimestamp"))
    return not deleting and (pod.get("status") or {}).get("phase") not in ("Succeeded", "Failed")


def condition_status(obj: Obj, condition_type: str) -> str | None:
    found = object_condition(obj, condition_type)
    return None if found is None else str(found.get("status"))


def is_ready(pod: Obj) -> bool:
    return condition_status(pod, "Ready") == "True"


def container_statuses(pod: Obj) -> list[Obj]:
    status = pod.get("status") or {}
    return [*(status.get("initContainerStatuses") or []), *(status.get("containerStatuses") or [])]


def current_reason(container_status: Obj) -> str | None:
    """Why the container is not running right now (its current state, not lastState)."""
    state = container_status.get("state") or {}
    for phase in ("waiting", "terminated"):
        if phase in state:
            return str((state[phase] or {}).get("reason") or phase.capitalize())
    return None


def trouble(pod: Obj) -> str | None:
    """The first reason the pod is not running normally, or None."""
    for status in container_statuses(pod):
        reason = current_reason(status)
        if reason is not None and reason != "Completed":
            return reason
    scheduled = object_condition(pod, "PodScheduled")
    if scheduled is not None and scheduled.get("status") == "False":
        return str(scheduled.get("reason") or "Unschedulable")
    return None


def plural(count: int, word: str) -> str:
    if count == 1:
        return f"{count} {word}"
    return f"{count} {word}es" if word.endswith("s") else f"{count} {word}s"


def summarize(pods: Iterable[Obj]) -> str:
    """``2 pods in CrashLoopBackOff, 1 pod running but not ready``; empty when all is well."""
    reasons: Counter[str] = Counter()
    unready = 0
    for pod in pods:
        reason = trouble(pod)
        if reason is not None:
            reasons[reason] += 1
        elif (pod.get("status") or {}).get("phase") == "Running" and not is_ready(pod):
            unready += 1
    parts = [f"{plural(n, 'pod')} in {reason}" for reason, n in reasons.most_common()]
    if unready:
        parts.append(f"{plural(unready, 'pod')} running but not ready")
    return ", ".join(parts)


def selector_of(workload: Obj) -> str | None:
    """A workload's ``spec.selector`` as query text; None when it selects nothing."""
    selector = LabelSelector.from_spec((workload.get("spec") or {}).get("selector"))
    return None if selector.matches_nothing else str(selector)


async def workload_pods(reader: ClusterReader, workload: Obj) -> ObjList:
    """The live pods a workload's selector matches."""
    selector = selector_of(workload)
    if selector is None:
        return []
    namespace = workload["metadata"].get("namespace")
    return [pod for pod in await reader.list("v1", "Pod", namespace, selector) if is_live(pod)]


def count(status: dict[str, Any], field: str) -> int:
    return int(status.get(field) or 0)
