"""Core controllers: scheduler, kubelet, endpoints, garbage collector, namespaces, CRDs, ..."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kubernaut.sim.cluster import Cluster
    from kubernaut.sim.controllers.manager import Controller


def core_controllers(cluster: Cluster) -> list[Controller]:
    from kubernaut.sim.controllers.core.autoscaler import HorizontalPodAutoscaler
    from kubernaut.sim.controllers.core.crds import CrdController
    from kubernaut.sim.controllers.core.disruption import DisruptionController
    from kubernaut.sim.controllers.core.endpoints import EndpointsController
    from kubernaut.sim.controllers.core.eviction import EvictionManager, TaintEvictionController
    from kubernaut.sim.controllers.core.garbage_collector import GarbageCollector
    from kubernaut.sim.controllers.core.kubelet import Kubelet
    from kubernaut.sim.controllers.core.namespaces import NamespaceController
    from kubernaut.sim.controllers.core.nodes import NodeController
    from kubernaut.sim.controllers.core.scheduler import Scheduler
    from kubernaut.sim.controllers.core.volumes import VolumeController

    kubelet = Kubelet(cluster)
    return [
        CrdController(cluster),
        NamespaceController(cluster),
        NodeController(cluster),
        TaintEvictionController(cluster),
        Scheduler(cluster),
        kubelet,
        EvictionManager(cluster, kubelet),
        EndpointsController(cluster),
        DisruptionController(cluster),
        HorizontalPodAutoscaler(cluster),
        VolumeController(cluster),
        GarbageCollector(cluster),
    ]
