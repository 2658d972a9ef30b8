"""The TTL-after-finished controller: delete finished jobs ``ttlSecondsAfterFinished`` later."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from kubernaut.sim.clock import parse_time
from kubernaut.sim.controllers.base import BaseController
from kubernaut.sim.controllers.manager import Key, Mapper, same_object
from kubernaut.sim.controllers.workloads.conditions import find_condition
from kubernaut.sim.objects import Obj, is_deleting

if TYPE_CHECKING:
    from kubernaut.sim.cluster import Cluster


def finished_at(job: Obj) -> str | None:
    """When the job completed or failed, or None while it runs."""
    status = job.get("status") or {}
    for condition_type in ("Complete", "Failed"):
        condition = find_condition(status, condition_type)
        if condition is not None and condition.get("status") == "True":
            return str(status.get("completionTime") or condition.get("lastTransitionTime") or "")
    return None


class TtlAfterFinishedController(BaseController):
    name = "ttl-after-finished-controller"

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.jobs = self.kind("batch/v1", "Job")

    def watches(self) -> Iterable[tuple[str, Mapper]]:
        return [(self.jobs.key, same_object)]

    def reconcile(self, key: Key) -> float | None:
        job = self.store.peek(self.jobs, *key)
        if job is None or is_deleting(job):
            return None
        ttl = job.get("spec", {}).get("ttlSecondsAfterFinished")
        finished = finished_at(job)
        if ttl is None or not finished:
            return None
        remaining = (parse_time(finished) - self.clock.now()).total_seconds() + int(ttl)
        if remaining > 0:
            return remaining
        self.store.delete(self.jobs, *key, propagation="Foreground")
        return None
