"""Workload controllers: Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs, CronJobs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kubernaut.sim.controllers.workloads.cronjob import CronJobController
from kubernaut.sim.controllers.workloads.daemonset import DaemonSetController
from kubernaut.sim.controllers.workloads.deployment import DeploymentController
from kubernaut.sim.controllers.workloads.job import JobController
from kubernaut.sim.controllers.workloads.replicaset import ReplicaSetController
from kubernaut.sim.controllers.workloads.statefulset import StatefulSetController
from kubernaut.sim.controllers.workloads.ttl import TtlAfterFinishedController

if TYPE_CHECKING:
    from kubernaut.sim.cluster import Cluster
    from kubernaut.sim.controllers.manager import Controller


def workload_controllers(cluster: Cluster) -> list[Controller]:
    return [
        DeploymentController(cluster),
        ReplicaSetController(cluster),
        StatefulSetController(cluster),
        DaemonSetController(cluster),
        JobController(cluster),
        TtlAfterFinishedController(cluster),
        CronJobController(cluster),
    ]
