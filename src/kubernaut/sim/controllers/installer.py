"""Wiring every built-in controller into a cluster."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kubernaut.sim.cluster import Cluster


def install_controllers(cluster: Cluster) -> None:
    # Imported here: controller modules refer back to the cluster they run in.
    from kubernaut.sim.controllers.core import core_controllers
    from kubernaut.sim.controllers.workloads import workload_controllers

    for controller in [*core_controllers(cluster), *workload_controllers(cluster)]:
        cluster.controllers.register(controller)
