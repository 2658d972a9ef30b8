"""What ``kubectl get pods`` shows for a pod: READY, STATUS and RESTARTS.

The STATUS column is not ``status.phase``: the API server's pod printer folds container
states into one word, and users (and agents) read pod health from that word. The rules,
in the order the printer applies them:

* start from ``status.reason`` or else the phase; a ``SchedulingGated`` scheduling
  condition overrides both;
* walk init containers in order: ones that exited 0 and started sidecars (init containers
  with ``restartPolicy: Always``) are skipped, and the first other one decides an
  ``Init:`` status (``Init:CrashLoopBackOff``, ``Init:Error``, ``Init:ExitCode:2``,
  ``Init:1/3`` ...);
* unless an init container is still blocking (and the pod is not marked Initialized),
  walk the app containers from last to first so the first container's state wins: a
  waiting reason (``CrashLoopBackOff``, ``ImagePullBackOff``, ``ContainerCreating``), a
  terminated reason (``OOMKilled``, ``Error``, ``Completed``) or ``Signal:N`` /
  ``ExitCode:N`` when the kubelet gave none; ready running containers count as READY;
* ``Completed`` with some container still running becomes ``Running`` (or ``NotReady``
  without the pod Ready condition);
* a pod being deleted shows ``Terminating``, or ``Unknown`` when its node was lost.

RESTARTS adds up the app containers' and sidecars' restart counts, or, while an init
container still blocks the pod, those of the init containers; the latest
``lastState.terminated.finishedAt`` among the counted containers is when the last restart
happened.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kubernaut.sim.clock import parse_time

__all__ = ["PodSummary", "summarize_pod"]

_TERMINAL_PHASES = frozenset({"Succeeded", "Failed"})
_NODE_LOST = "NodeLost"


@dataclass(frozen=True)
class PodSummary:
    """READY is ``f"{ready}/{total}"``; ``last_restart`` is ``None`` when unknown."""

    ready: int
    total: int
    status: str
    restarts: int
    last_restart: datetime | None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _condition_true(conditions: Sequence[Any], condition_type: str) -> bool:
    """Whether the first condition of ``condition_type`` has status True."""
    for condition in conditions:
        if _mapping(condition).get("type") == condition_type:
            return bool(condition.get("status") == "True")
    return False


def _finished_at(container_status: Mapping[str, Any]) -> datetime | None:
    terminated = _mapping(_mapping(container_status.get("lastState")).get("terminated"))
    text = terminated.get("finishedAt")
    if not isinstance(text, str) or not text:
        return None
    try:
        moment = parse_time(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _latest(first: datetime | None, second: datetime | None) -> datetime | None:
    if first is None or second is None:
        return first or second
    return max(first, second)


def _state(container_status: Mapping[str, Any], which: str) -> Mapping[str, Any] | None:
    """``state.running`` / ``waiting`` / ``terminated``; ``None`` when not in that state."""
    value = _mapping(container_status.get("state")).get(which)
    return value if isinstance(value, Mapping) else None


def _exit_reason(terminated: Mapping[str, Any], prefix: str = "") -> str:
    """A terminated state's reason, or ``Signal:N`` / ``ExitCode:N`` when it has none."""
    if terminated.get("reason"):
        return f"{prefix}{terminated['reason']}"
    if terminated.get("signal"):
        return f"{prefix}Signal:{terminated['signal']}"
    return f"{prefix}ExitCode:{terminated.get('exitCode', 0)}"


class _Tally:
    """Restart counts and the latest restart time, for a group of containers."""

    def __init__(self) -> None:
        self.restarts = 0
        self.last: datetime | None = None

    def add(self, container_status: Mapping[str, Any]) -> None:
        count = container_status.get("restartCount")
        self.restarts += count if isinstance(count, int) else 0
        self.last = _latest(self.last, _finished_at(container_status))


def summarize_pod(pod: Mapping[str, Any]) -> PodSummary:
    """READY counts, the STATUS word and RESTARTS of ``pod``, as the API server prints them."""
    spec, status = _mapping(pod.get("spec")), _mapping(pod.get("status"))
    conditions = _list(status.get("conditions"))
    init_specs = [_mapping(container) for container in _list(spec.get("initContainers"))]
    sidecars = {
        container.get("name")
        for container in init_specs
        if container.get("restartPolicy") == "Always"
    }
    total = len(_list(spec.get("containers"))) + len(sidecars)
    ready = 0
    phase = status.get("phase") or ""
    reason = status.get("reason") or phase
    if any(
        _mapping(c).get("type") == "PodScheduled" and c.get("reason") == "SchedulingGated"
        for c in conditions
    ):
        reason = "SchedulingGated"

    everything, sidecar_tally = _Tally(), _Tally()
    initializing = False
    for index, raw in enumerate(_list(status.get("initContainerStatuses"))):
        container = _mapping(raw)
        everything.add(container)
        is_sidecar = container.get("name") in sidecars
        if is_sidecar:
            sidecar_tally.add(container)
        terminated, waiting = _state(container, "terminated"), _state(container, "waiting")
        if terminated is not None and terminated.get("exitCode", 0) == 0:
            continue
        if is_sidecar and container.get("started"):
            ready += 1 if container.get("ready") else 0
            continue
        initializing = True
        if terminated is not None:
            reason = _exit_reason(terminated, "Init:")
        elif waiting and waiting.get("reason") and waiting["reason"] != "PodInitializing":
            reason = f"Init:{waiting['reason']}"
        else:
            reason = f"Init:{index}/{len(init_specs)}"
        break

    tally = everything
    if not initializing or _condition_true(conditions, "Initialized"):
        tally = sidecar_tally
        has_running = False
        for raw in reversed(_list(status.get("containerStatuses"))):
            container = _mapping(raw)
            tally.add(container)
            terminated, waiting = _state(container, "terminated"), _state(container, "waiting")
            if waiting and waiting.get("reason"):
                reason = waiting["reason"]
            elif terminated is not None:
                reason = _exit_reason(terminated)
            elif container.get("ready") and _state(container, "running") is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            reason = "Running" if _condition_true(conditions, "Ready") else "NotReady"

    if _mapping(pod.get("metadata")).get("deletionTimestamp"):
        if status.get("reason") == _NODE_LOST:
            reason = "Unknown"
        elif phase not in _TERMINAL_PHASES:
            reason = "Terminating"

    return PodSummary(ready, total, str(reason), tally.restarts, tally.last)
