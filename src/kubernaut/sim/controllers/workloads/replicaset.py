"""The replica set controller: keep ``spec.replicas`` pods and report how many are ready."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from kubernaut.sim.clock import format_time, parse_time
from kubernaut.sim.controllers.base import BaseController
from kubernaut.sim.controllers.manager import Key, Mapper, controller_owner, same_object
from kubernaut.sim.controllers.workloads.conditions import find_condition, omit_zero
from kubernaut.sim.controllers.workloads.pods import (
    creation_key,
    is_active,
    is_ready,
    owned,
    phase,
    pod_from_template,
    ready_condition,
    restart_count,
    seconds_until_available,
)
from kubernaut.sim.controllers.workloads.rollout import spec_replicas
from kubernaut.sim.errors import ApiError
from kubernaut.sim.objects import Obj, deep_copy, is_deleting, labels_of, name_of, namespace_of

if TYPE_CHECKING:
    from kubernaut.sim.cluster import Cluster

_PHASE_RANK = {"Pending": 0, "Unknown": 1, "Running": 2}
_OPTIONAL_COUNTERS = ("fullyLabeledReplicas", "readyReplicas", "availableReplicas")


def deletion_order(pods: list[Obj]) -> list[Obj]:
    """``pods`` ordered with the ones to delete first when scaling down.

    As the real controller ranks them: unscheduled before scheduled, pending before
    running, not ready before ready, ready for a shorter time first, more restarts
    first, and newer before older.
    """
    newest_first = sorted(pods, key=creation_key, reverse=True)
    return sorted(newest_first, key=_rank)


def _rank(pod: Obj) -> tuple[bool, int, bool, float, int]:
    ready = is_ready(pod)
    ready_since = 0.0
    condition = ready_condition(pod)
    if ready and condition is not None and condition.get("lastTransitionTime"):
        ready_since = parse_time(condition["lastTransitionTime"]).timestamp()
    return (
        bool(pod.get("spec", {}).get("nodeName")),
        _PHASE_RANK.get(phase(pod), 2),
        ready,
        -ready_since,
        -restart_count(pod),
    )


class ReplicaSetController(BaseController):
    name = "replicaset-controller"

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.replicasets = self.kind("apps/v1", "ReplicaSet")
        self.pods = self.kind("v1", "Pod")

    def watches(self) -> Iterable[tuple[str, Mapper]]:
        return [
            (self.replicasets.key, same_object),
            (self.pods.key, controller_owner("ReplicaSet")),
        ]

    def reconcile(self, key: Key) -> float | None:
        replica_set = self.store.peek(self.replicasets, *key)
        if replica_set is None:
            return None
        pods = [pod for pod in owned(self.store, self.pods, replica_set) if is_active(pod)]
        failure = None
        if not is_deleting(replica_set):
            pods, failure = self._manage(replica_set, pods)
        return self._update_status(replica_set, pods, failure)

    def _manage(self, replica_set: Obj, pods: list[Obj]) -> tuple[list[Obj], str | None]:
        """Create or delete pods towards ``spec.replicas``; the message of a failed create."""
        diff = len(pods) - spec_replicas(replica_set)
        if diff < 0:
            template = replica_set["spec"].get("template") or {}
            for _ in range(-diff):
                manifest = pod_from_template(template, replica_set)
                try:
                    pod = self.store.create(self.pods, manifest)
                except ApiError as error:
                    message = f"Error creating: {error.message}"
                    self.event(replica_set, "Warning", "FailedCreate", message)
                    return pods, message
                pods.append(pod)
                self.event(
                    replica_set, "Normal", "SuccessfulCreate", f"Created pod: {name_of(pod)}"
                )
        elif diff > 0:
            doomed = deletion_order(pods)[:diff]
            for pod in doomed:
                try:
                    self.store.delete(self.pods, namespace_of(pod), name_of(pod))
                except ApiError:
                    continue
                self.event(
                    replica_set, "Normal", "SuccessfulDelete", f"Deleted pod: {name_of(pod)}"
                )
            gone = {name_of(pod) for pod in doomed}
            pods = [pod for pod in pods if name_of(pod) not in gone]
        return pods, None

    def _update_status(
        self, replica_set: Obj, pods: list[Obj], failure: str | None
    ) -> float | None:
        now = self.clock.now()
        min_ready = int(replica_set["spec"].get("minReadySeconds") or 0)
        template_labels = (replica_set["spec"].get("template") or {}).get("metadata", {}).get(
            "labels"
        ) or {}
        waits = [seconds_until_available(pod, min_ready, now) for pod in pods]
        status: Obj = {
            "replicas": len(pods),
            "fullyLabeledReplicas": sum(
                1 for pod in pods if template_labels.items() <= labels_of(pod).items()
            ),
            "readyReplicas": sum(1 for pod in pods if is_ready(pod)),
            "availableReplicas": sum(1 for wait in waits if wait == 0.0),
            "observedGeneration": replica_set["metadata"].get("generation", 1),
        }
        omit_zero(status, _OPTIONAL_COUNTERS)
        previous = replica_set.get("status") or {}
        _carry_failure(status, previous, failure, now)

        def change(obj: Obj) -> None:
            obj["status"] = deep_copy(status)

        self.store.mutate(self.replicasets, namespace_of(replica_set), name_of(replica_set), change)
        pending = [wait for wait in waits if wait]
        if failure is not None:
            return 10.0
        return min(pending) if pending else None


def _carry_failure(status: Obj, previous: Obj, failure: str | None, now: datetime) -> None:
    """Keep the other conditions; set ReplicaFailure while pod creation fails, else drop it."""
    current = find_condition(previous, "ReplicaFailure")
    conditions = [
        dict(c) for c in previous.get("conditions") or [] if c.get("type") != "ReplicaFailure"
    ]
    if failure is not None:
        since = (current or {}).get("lastTransitionTime") or format_time(now)
        conditions.append(
            {
                "type": "ReplicaFailure",
                "status": "True",
                "lastTransitionTime": since,
                "reason": "FailedCreate",
                "message": failure,
            }
        )
    if conditions:
        status["conditions"] = conditions
