"""Reading a Pod's status the way an SRE does: what kubectl's STATUS column would say,
whether it is ready, how often it restarted, and what is wrong with its containers."""

from __future__ import annotations

from typing import Any

Obj = dict[str, Any]

FAILING_WAITING_REASONS = frozenset(
    {
        "CrashLoopBackOff",
        "ImagePullBackOff",
        "ErrImagePull",
        "CreateContainerConfigError",
        "CreateContainerError",
        "InvalidImageName",
        "RunContainerError",
    }
)
"""Waiting reasons that mean the container cannot run until something changes."""


def container_statuses(pod: Obj) -> list[Obj]:
    status = pod.get("status") or {}
    return [*(status.get("initContainerStatuses") or []), *(status.get("containerStatuses") or [])]


def qualified_name(pod: Obj) -> str:
    """``namespace/name``."""
    metadata = pod.get("metadata") or {}
    return f"{metadata.get('namespace')}/{metadata.get('name')}"


def node_name(pod: Obj) -> str | None:
    return (pod.get("spec") or {}).get("nodeName") or None


def nodes_of(pods: list[Obj]) -> set[str]:
    """The nodes the pods are scheduled on."""
    return {node for node in (node_name(pod) for pod in pods) if node}


def condition(obj: Obj, kind: str) -> Obj | None:
    for entry in (obj.get("status") or {}).get("conditions") or []:
        if entry.get("type") == kind:
            return dict(entry)
    return None


def is_ready(pod: Obj) -> bool:
    ready = condition(pod, "Ready")
    return bool(ready and ready.get("status") == "True")


def restarts(pod: Obj) -> int:
    return sum(int(entry.get("restartCount") or 0) for entry in container_statuses(pod))


def phase(pod: Obj) -> str:
    return str((pod.get("status") or {}).get("phase") or "Unknown")


def is_finished(pod: Obj) -> bool:
    return phase(pod) in ("Succeeded", "Failed")


def waiting_reason(container_status: Obj) -> str:
    return str(((container_status.get("state") or {}).get("waiting") or {}).get("reason") or "")


def last_termination(container_status: Obj) -> Obj:
    return dict((container_status.get("lastState") or {}).get("terminated") or {})


def unschedulable_message(pod: Obj) -> str | None:
    """The scheduler's message when the pod cannot be placed, else None."""
    scheduled = condition(pod, "PodScheduled")
    if scheduled and scheduled.get("status") == "False":
        return str(scheduled.get("message") or scheduled.get("reason") or "unschedulable")
    return None


def status_text(pod: Obj) -> str:
    """What ``kubectl get pods`` shows in its STATUS column."""
    metadata = pod.get("metadata") or {}
    status = pod.get("status") or {}
    if metadata.get("deletionTimestamp"):
        return "Terminating"
    if status.get("reason"):
        return str(status["reason"])
    for entry in reversed(container_statuses(pod)):
        state = entry.get("state") or {}
        if (state.get("waiting") or {}).get("reason"):
            return str(state["waiting"]["reason"])
        terminated = state.get("terminated") or {}
        if terminated.get("reason") and phase(pod) != "Succeeded":
            return str(terminated["reason"])
    if phase(pod) == "Succeeded":
        return "Completed"
    return phase(pod)


def trouble(pod: Obj) -> tuple[int, int, int]:
    """A sort key: pods in more trouble sort higher (failing containers, then not
    ready, then more restarts)."""
    failing = any(
        waiting_reason(entry) in FAILING_WAITING_REASONS for entry in container_statuses(pod)
    )
    return (int(failing), int(not is_ready(pod)), restarts(pod))
