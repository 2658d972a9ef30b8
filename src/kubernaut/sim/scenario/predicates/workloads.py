"""Workload predicates: a Deployment, StatefulSet or DaemonSet fully rolled out and ready,
judged from the status fields their controllers write."""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from pydantic import Field

from kubernaut.sim.objects import Obj
from kubernaut.sim.scenario.base import DnsLabel
from kubernaut.sim.scenario.predicates.base import ObjectRef, Predicate
from kubernaut.sim.scenario.predicates.podstate import count, plural, summarize, workload_pods
from kubernaut.sim.scenario.reader import ClusterReader

REVISION = "deployment.kubernetes.io/revision"


class Counts(NamedTuple):
    wanted: int
    ready: int
    available: int
    problems: list[str]
    """Anything else that keeps the workload from being healthy (rollout in progress, ...)."""


class _Workload(Predicate):
    kind: ClassVar[str]
    namespace: DnsLabel = Field(description="The workload's namespace.")
    name: str = Field(description="The workload's name.")

    def subject(self) -> str:
        return f"{self.kind.lower()} {self.namespace}/{self.name}"

    def references(self) -> list[ObjectRef]:
        return [ObjectRef(self.kind, self.namespace, self.name)]

    async def check(self, reader: ClusterReader) -> tuple[bool, str]:
        workload = await reader.get("apps/v1", self.kind, self.namespace, self.name)
        if workload is None:
            return False, f"{self.subject()}: not found"
        status = workload.get("status") or {}
        wanted, ready, available, problems = await self._counts(reader, workload, status)
        parts = [f"{self.subject()}: {ready}/{wanted} ready"]
        if available != ready:
            parts.append(f"{available}/{wanted} available")
        generation = int(workload["metadata"].get("generation") or 1)
        observed = count(status, "observedGeneration")
        if observed < generation:
            problems.insert(0, f"generation {generation} not observed yet (at {observed})")
        parts += problems
        pods = summarize(await workload_pods(reader, workload))
        if pods:
            parts.append(pods)
        healthy = wanted > 0 and ready == wanted and available == wanted and not problems
        if healthy:
            return True, f"{self.subject()}: {ready}/{wanted} ready, updated and available"
        return False, ", ".join(parts)

    async def _counts(self, reader: ClusterReader, workload: Obj, status: Obj) -> Counts:
        raise NotImplementedError


class DeploymentReady(_Workload):
    """The rollout is complete: observedGeneration is current, spec.replicas (> 0) pods are
    updated, ready and available, and no older ReplicaSet still has pods."""

    key = "deploymentReady"
    kind = "Deployment"

    async def _counts(self, reader: ClusterReader, workload: Obj, status: Obj) -> Counts:
        wanted = int((workload.get("spec") or {}).get("replicas", 1))
        problems = ["scaled to 0 replicas"] if wanted == 0 else []
        updated = count(status, "updatedReplicas")
        if updated != wanted:
            problems.append(f"{updated}/{wanted} updated")
        problems += await _old_replica_sets(reader, workload)
        ready = count(status, "readyReplicas")
        return Counts(wanted, ready, count(status, "availableReplicas"), problems)


async def _old_replica_sets(reader: ClusterReader, deployment: Obj) -> list[str]:
    """A problem for each ReplicaSet of an older revision that still has pods."""
    metadata = deployment["metadata"]
    revision = (metadata.get("annotations") or {}).get(REVISION)
    if revision is None:
        return []
    problems = []
    for replica_set in await reader.list("apps/v1", "ReplicaSet", metadata.get("namespace")):
        own = replica_set["metadata"]
        owners = {ref.get("uid") for ref in own.get("ownerReferences") or []}
        old = (own.get("annotations") or {}).get(REVISION) != revision
        pods = count(replica_set.get("status") or {}, "replicas")
        if metadata.get("uid") in owners and old and pods:
            problems.append(f"old replica set {own['name']} still has {plural(pods, 'pod')}")
    return problems


class StatefulSetReady(_Workload):
    """spec.replicas (> 0) pods ready and available, all on the update revision (for the
    RollingUpdate strategy, up to its partition), and the latest generation observed."""

    key = "statefulSetReady"
    kind = "StatefulSet"

    async def _counts(self, reader: ClusterReader, workload: Obj, status: Obj) -> Counts:
        spec = workload.get("spec") or {}
        wanted = int(spec.get("replicas", 1))
        problems = ["scaled to 0 replicas"] if wanted == 0 else []
        strategy = spec.get("updateStrategy") or {}
        if strategy.get("type", "RollingUpdate") == "RollingUpdate":
            partition = int((strategy.get("rollingUpdate") or {}).get("partition") or 0)
            updated = count(status, "updatedReplicas")
            if updated < wanted - partition:
                problems.append(f"{updated}/{wanted - partition} updated")
            current, update = status.get("currentRevision"), status.get("updateRevision")
            if partition == 0 and update and current != update:
                problems.append(f"rolling out revision {update} (current {current})")
        if count(status, "replicas") > wanted:
            problems.append(f"{count(status, 'replicas')} pods for {wanted} replicas")
        ready = count(status, "readyReplicas")
        return Counts(wanted, ready, int(status.get("availableReplicas", ready)), problems)


class DaemonSetReady(_Workload):
    """A pod on every node that should run one (at least one node), all ready, available
    and updated, none on a node where it should not run, and the latest generation observed."""

    key = "daemonSetReady"
    kind = "DaemonSet"

    async def _counts(self, reader: ClusterReader, workload: Obj, status: Obj) -> Counts:
        wanted = count(status, "desiredNumberScheduled")
        problems = ["no node to run on (desiredNumberScheduled is 0)"] if wanted == 0 else []
        strategy = (workload.get("spec") or {}).get("updateStrategy") or {}
        updated = count(status, "updatedNumberScheduled")
        if strategy.get("type", "RollingUpdate") == "RollingUpdate" and updated != wanted:
            problems.append(f"{updated}/{wanted} updated")
        misplaced = count(status, "numberMisscheduled")
        if misplaced:
            problems.append(f"{plural(misplaced, 'pod')} on nodes that should not run it")
        ready = count(status, "numberReady")
        return Counts(wanted, ready, count(status, "numberAvailable"), problems)
