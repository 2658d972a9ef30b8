"""A Pod in a few lines: status, readiness, node, and per container its state, restarts,
last termination (reason and exit code), image and resources."""

from __future__ import annotations

from typing import Any

from kubernaut.tools.read import pod_state
from kubernaut.tools.read.summaries.common import (
    clip,
    condition_line,
    drop_empty,
    header,
    owner_text,
    resources,
)

Obj = dict[str, Any]


def summarize_pod(pod: Obj) -> Obj:
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    statuses = {entry.get("name"): entry for entry in pod_state.container_statuses(pod)}
    main = spec.get("containers") or []
    ready = sum(1 for c in main if (statuses.get(c.get("name")) or {}).get("ready"))
    out = header(pod)
    out.update(
        drop_empty(
            {
                "status": pod_state.status_text(pod),
                "phase": pod_state.phase(pod),
                "message": clip(status["message"]) if status.get("message") else None,
                "ready": f"{ready}/{len(main)}",
                "restarts": pod_state.restarts(pod),
                "node": spec.get("nodeName") or "(not scheduled)",
                "owner": owner_text(pod),
                "unschedulable": _unschedulable(pod),
                "not_ready_conditions": [
                    condition_line(entry)
                    for entry in status.get("conditions") or []
                    if entry.get("status") != "True" and entry.get("type") != "PodScheduled"
                ],
                "init_containers": [
                    container_summary(c, statuses.get(c.get("name")))
                    for c in spec.get("initContainers") or []
                ],
                "containers": [container_summary(c, statuses.get(c.get("name"))) for c in main],
            }
        )
    )
    return out


def container_summary(container: Obj, status: Obj | None) -> Obj:
    """What runs and how it fares: the spec's image and resources with the status."""
    out: Obj = {"name": container.get("name"), "image": container.get("image")}
    out.update(container_status(status))
    out["resources"] = resources(container)
    return out


def container_status(status: Obj | None) -> Obj:
    """State, readiness, restarts and last termination of one container status."""
    if status is None:
        return {"state": "not created yet"}
    out: Obj = {"ready": bool(status.get("ready"))}
    state = status.get("state") or {}
    if "waiting" in state:
        waiting = state["waiting"] or {}
        out["state"] = f"waiting: {waiting.get('reason') or 'unknown'}"
        if waiting.get("message"):
            out["state_message"] = clip(waiting["message"])
    elif "running" in state:
        out["state"] = f"running since {(state['running'] or {}).get('startedAt', '?')}"
    elif "terminated" in state:
        out["state"] = f"terminated: {termination_text(state['terminated'] or {})}"
    out["restarts"] = int(status.get("restartCount") or 0)
    last = pod_state.last_termination(status)
    if last:
        out["last_termination"] = termination_text(last)
    return out


def termination_text(terminated: Obj) -> str:
    """``OOMKilled (exit 137) at 2026-01-01T00:04:20Z``, with the message if any."""
    text = f"{terminated.get('reason') or 'terminated'} (exit {terminated.get('exitCode', '?')})"
    if terminated.get("finishedAt"):
        text += f" at {terminated['finishedAt']}"
    if terminated.get("message"):
        text += f": {clip(terminated['message'])}"
    return text


def _unschedulable(pod: Obj) -> str | None:
    message = pod_state.unschedulable_message(pod)
    return clip(message) if message else None
