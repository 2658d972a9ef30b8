"""Is the target healthy? A deterministic assessment for the verify step.

Each kind has a few named checks read straight from the cluster; the score is the
fraction that pass and the problems say, in a line each, what fails. A Pod or a
ReplicaSet is assessed through its top-level owner (the Deployment that runs it),
because that is what a remediation changes and what must end up healthy.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field

from kubernaut.core.resources import ResourceRef
from kubernaut.kube import KubeClient
from kubernaut.tools.read import pod_state
from kubernaut.tools.read.fetch import get_object
from kubernaut.tools.read.kinds import Kind, KindResolver, UnknownKind
from kubernaut.tools.read.ownership import ref_of, top_owner
from kubernaut.tools.read.summaries.nodes import node_ready
from kubernaut.tools.read.summaries.services import endpoint_addresses
from kubernaut.tools.read.volume_stats import volume_stats
from kubernaut.tools.read.workload_pods import pods_of, pods_using_claim

Obj = dict[str, Any]

PVC_FULL_FRACTION = 0.9
OOM_SETTLE = timedelta(seconds=60)
"""How long a container OOMKilled before must have run since to count as recovered: a
crash loop's pods read Running and ready for a moment between two kills."""
PRESSURE_CONDITIONS = ("MemoryPressure", "DiskPressure", "PIDPressure")
_WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Pod")
ENDPOINTS = Kind("v1", "Endpoints", namespaced=True)


class TargetHealth(BaseModel):
    target: ResourceRef = Field(description="What was assessed (the top-level owner of a Pod).")
    healthy: bool
    score: float = Field(ge=0, le=1, description="Fraction of checks passing.")
    problems: list[str] = Field(default_factory=list, description="What fails, one line each.")
    checks: dict[str, bool] = Field(default_factory=dict, description="Check name -> passed.")


class _Checks:
    """Collects named checks and the problem lines of those that fail."""

    def __init__(self) -> None:
        self.results: dict[str, bool] = {}
        self.problems: list[str] = []

    def add(self, name: str, passed: bool, problem: str = "") -> None:
        self.results[name] = passed
        if not passed and problem:
            self.problems.append(problem)

    def health(self, target: ResourceRef) -> TargetHealth:
        passed = sum(self.results.values())
        total = len(self.results)
        return TargetHealth(
            target=target,
            healthy=passed == total,
            score=passed / total if total else 1.0,
            problems=self.problems,
            checks=self.results,
        )


async def assess_target(
    client: KubeClient, target: ResourceRef, *, now: datetime | None = None
) -> TargetHealth:
    """How healthy ``target`` is at ``now`` (the cluster's time; default: this machine's).
    Raises :class:`~kubernaut.kube.KubeError` when the cluster cannot be read (health is
    then unknown, not bad)."""
    now = now or datetime.now(UTC)
    try:
        kind = await KindResolver(client).resolve(target.kind)
    except UnknownKind as error:
        return _missing(target, str(error))
    obj = await get_object(client, kind, target.namespace or None, target.name)
    if obj is None:
        return _missing(target, f"{target} not found")
    if kind.kind in ("Pod", "ReplicaSet"):
        obj = await top_owner(client, obj)
    assessed = ref_of(obj)
    checks = _Checks()
    assessed_kind = obj.get("kind")
    if assessed_kind in _WORKLOADS:
        await _assess_workload(client, obj, checks, now)
    elif assessed_kind == "Node":
        await _assess_node(client, obj, checks)
    elif assessed_kind == "PersistentVolumeClaim":
        await _assess_claim(client, obj, checks)
    elif assessed_kind == "HorizontalPodAutoscaler":
        await _assess_hpa(client, obj, checks, now)
    elif assessed_kind == "Service":
        await _assess_service(client, obj, checks)
    else:
        checks.add("exists", True)
    return checks.health(assessed)


def _missing(target: ResourceRef, problem: str) -> TargetHealth:
    return TargetHealth(
        target=target, healthy=False, score=0.0, problems=[problem], checks={"exists": False}
    )


async def _assess_workload(
    client: KubeClient, workload: Obj, checks: _Checks, now: datetime
) -> None:
    name = str(ref_of(workload))
    if workload.get("kind") == "Pod":
        checks.add("pod_ready", pod_state.is_ready(workload), f"{name}: not ready")
    else:
        complete, progress = _rollout(workload)
        checks.add("rollout_complete", complete, f"{name}: rollout not complete ({progress})")
        ready, desired = _ready_replicas(workload)
        checks.add("replicas_ready", ready >= desired, f"{name}: {ready}/{desired} replicas ready")
    pods = [
        pod
        for pod in await pods_of(client, workload)
        if not pod_state.is_finished(pod) and not pod["metadata"].get("deletionTimestamp")
    ]
    _assess_pods(pods, checks, now)


def _assess_pods(pods: list[Obj], checks: _Checks, now: datetime) -> None:
    """Containers running, pods placed, no container caught in an OOM-kill loop."""
    total = len(pods)
    failing = Counter(
        reason
        for pod in pods
        for reason in {
            pod_state.waiting_reason(entry) for entry in pod_state.container_statuses(pod)
        }
        if reason in pod_state.FAILING_WAITING_REASONS
    )
    checks.add(
        "containers_running",
        not failing,
        "; ".join(f"{count}/{total} pods in {reason}" for reason, count in failing.most_common()),
    )
    unschedulable = [pod for pod in pods if pod_state.unschedulable_message(pod)]
    pending = [
        pod for pod in pods if pod_state.phase(pod) == "Pending" and pod not in unschedulable
    ]
    problems = []
    if unschedulable:
        message = pod_state.unschedulable_message(unschedulable[0])
        problems.append(f"{len(unschedulable)}/{total} pods unschedulable: {message}")
    if pending:
        problems.append(f"{len(pending)}/{total} pods Pending")
    checks.add("pods_scheduled", not problems, "; ".join(problems))
    oom = [pod for pod in pods if _oom_killed_and_restarting(pod, now)]
    checks.add(
        "no_oom_kills",
        not oom,
        f"{len(oom)}/{total} pods have containers OOMKilled and still restarting",
    )


def _rollout(workload: Obj) -> tuple[bool, str]:
    metadata, spec = workload.get("metadata") or {}, workload.get("spec") or {}
    status = workload.get("status") or {}
    if int(status.get("observedGeneration") or 0) < int(metadata.get("generation") or 0):
        return False, "the controller has not observed the latest spec yet"
    kind = workload.get("kind")
    if kind == "DaemonSet":
        desired = int(status.get("desiredNumberScheduled") or 0)
        updated = int(status.get("updatedNumberScheduled") or 0)
        return updated >= desired, f"{updated}/{desired} pods updated"
    desired = int(spec.get("replicas", 1))
    if kind == "ReplicaSet":
        current = int(status.get("replicas") or 0)
        return current == desired, f"{current}/{desired} replicas created"
    updated = int(status.get("updatedReplicas") or 0)
    if updated < desired:
        return False, f"{updated}/{desired} replicas updated"
    total = int(status.get("replicas") or 0)
    if kind == "Deployment" and total > updated:
        return False, f"{total - updated} old replicas still running"
    return True, "complete"


def _ready_replicas(workload: Obj) -> tuple[int, int]:
    spec, status = workload.get("spec") or {}, workload.get("status") or {}
    if workload.get("kind") == "DaemonSet":
        return int(status.get("numberReady") or 0), int(status.get("desiredNumberScheduled") or 0)
    return int(status.get("readyReplicas") or 0), int(spec.get("replicas", 1))


def _oom_killed_and_restarting(pod: Obj, now: datetime) -> bool:
    """A container whose last run ended OOMKilled and that is not running and ready now,
    or has not been for ``OOM_SETTLE``: it is still in the kill-restart cycle (one that
    recovered keeps running)."""
    for entry in pod_state.container_statuses(pod):
        if pod_state.last_termination(entry).get("reason") != "OOMKilled":
            continue
        running = (entry.get("state") or {}).get("running")
        if running is None or not entry.get("ready"):
            return True
        started = _moment(running.get("startedAt"))
        if started is None or now - started < OOM_SETTLE:
            return True
    return False


def _moment(stamp: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(stamp))
    except ValueError:
        return None


async def _assess_node(client: KubeClient, node: Obj, checks: _Checks) -> None:
    name = node["metadata"]["name"]
    ready = node_ready(node)
    checks.add("ready", ready == "True", f"Node {name} is not Ready (Ready={ready})")
    conditions = (node.get("status") or {}).get("conditions") or []
    pressures = [
        str(entry.get("type"))
        for entry in conditions
        if entry.get("type") in PRESSURE_CONDITIONS and entry.get("status") == "True"
    ]
    if not pressures:
        checks.add("pressure_contained", True)
        return
    cordoned = bool((node.get("spec") or {}).get("unschedulable"))
    remaining = [
        pod
        for pod in await pods_of(client, node)
        if not pod_state.is_finished(pod) and not _daemonset_pod(pod)
    ]
    contained = cordoned and not remaining
    detail = f"Node {name} has {', '.join(pressures)}"
    if not cordoned:
        detail += " and is still schedulable"
    if remaining:
        detail += f"; {len(remaining)} non-DaemonSet pods still on it"
    checks.add("pressure_contained", contained, detail)


def _daemonset_pod(pod: Obj) -> bool:
    references = (pod.get("metadata") or {}).get("ownerReferences") or []
    return any(reference.get("kind") == "DaemonSet" for reference in references)


async def _assess_claim(client: KubeClient, claim: Obj, checks: _Checks) -> None:
    metadata = claim["metadata"]
    namespace, name = metadata.get("namespace", ""), metadata["name"]
    phase = (claim.get("status") or {}).get("phase") or "Unknown"
    checks.add("bound", phase == "Bound", f"PersistentVolumeClaim {namespace}/{name} is {phase}")
    pods = await pods_using_claim(client, namespace, name)
    stats = (await volume_stats(client, pod_state.nodes_of(pods))).get((namespace, name))
    if stats is not None:
        used = round(100 * stats.used_fraction)
        checks.add(
            "space_available",
            stats.used_fraction < PVC_FULL_FRACTION,
            f"PersistentVolumeClaim {namespace}/{name} is {used}% full",
        )


async def _assess_hpa(client: KubeClient, hpa: Obj, checks: _Checks, now: datetime) -> None:
    metadata, spec = hpa["metadata"], hpa.get("spec") or {}
    status = hpa.get("status") or {}
    current, maximum = int(status.get("currentReplicas") or 0), int(spec.get("maxReplicas") or 0)
    limited = any(
        entry.get("type") == "ScalingLimited" and entry.get("status") == "True"
        for entry in status.get("conditions") or []
    )
    at_max = limited and current >= maximum
    checks.add(
        "not_limited_at_max",
        not at_max,
        f"HorizontalPodAutoscaler {metadata.get('namespace')}/{metadata['name']} is limited at "
        f"maxReplicas {maximum}",
    )
    reference = spec.get("scaleTargetRef") or {}
    target = ResourceRef(
        kind=str(reference.get("kind") or "Deployment"),
        namespace=str(metadata.get("namespace") or ""),
        name=str(reference.get("name") or "?"),
    )
    target_health = await assess_target(client, target, now=now)
    checks.add("target_healthy", target_health.healthy, "; ".join(target_health.problems))


async def _assess_service(client: KubeClient, service: Obj, checks: _Checks) -> None:
    metadata = service["metadata"]
    endpoints = await get_object(client, ENDPOINTS, metadata.get("namespace"), metadata["name"])
    name = str(ref_of(service))
    ready, not_ready = endpoint_addresses(endpoints) if endpoints else ([], [])
    checks.add("has_ready_endpoints", bool(ready), f"{name} has no ready endpoints")
    checks.add(
        "all_endpoints_ready", not not_ready, f"{name} has {len(not_ready)} endpoints not ready"
    )
