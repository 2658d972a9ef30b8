"""Workload controllers: Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs, CronJobs."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kubernaut.sim.cluster import Cluster
    from kubernaut.sim.controllers.manager import Controller


def workload_controllers(cluster: Cluster) -> list[Controller]:
    return []
