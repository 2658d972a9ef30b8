"""What running containers use: declared behaviour, shared workload load, or a healthy default.

CPU demand above the CPU limit is throttled (usage sits at the limit); memory is the
declared working set. Containers without declared behaviour use a fifth of their CPU
request and 40% of their memory request, with a few percent of per-container jitter.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kubernaut.core.quantity import bytes_of, millicores
from kubernaut.sim.objects import Obj, annotations_of, is_deleting
from kubernaut.sim.physics.behavior import ContainerBehavior, pod_behavior
from kubernaut.sim.podutil import is_pod_ready

if TYPE_CHECKING:
    from kubernaut.sim.resources import ResourceType
    from kubernaut.sim.store import Store

_DEFAULT_CPU_MILLI = 5
_DEFAULT_MEMORY = 24 * 2**20
_HASH_LABELS = frozenset(
    {
        "pod-template-hash",
        "controller-revision-hash",
        "statefulset.kubernetes.io/pod-name",
        "apps.kubernetes.io/pod-index",
    }
)


@dataclass(frozen=True)
class Usage:
    cpu_millicores: int
    memory_bytes: int
    cpu_demand_millicores: int = 0

    @property
    def throttled_fraction(self) -> float:
        """Share of CPU periods in which the container wanted more than its limit allowed."""
        demand = self.cpu_demand_millicores
        if demand <= self.cpu_millicores or demand == 0:
            return 0.0
        return (demand - self.cpu_millicores) / demand


class UsageModel:
    def __init__(self, store: Store, pods: ResourceType) -> None:
        self._store = store
        self._pods = pods

    def pod_usage(self, pod: Obj) -> dict[str, Usage]:
        """Usage of each running container of ``pod``."""
        running = {
            status["name"]
            for status in pod.get("status", {}).get("containerStatuses") or []
            if (status.get("state") or {}).get("running")
        }
        if not running:
            return {}
        behavior = pod_behavior(annotations_of(pod))
        result = {}
        for container in pod.get("spec", {}).get("containers") or []:
            if container["name"] in running:
                declared = behavior.container(container["name"])
                result[container["name"]] = self._container_usage(pod, container, declared)
        return result

    def _container_usage(self, pod: Obj, container: Obj, declared: ContainerBehavior) -> Usage:
        resources = container.get("resources") or {}
        requests = resources.get("requests") or {}
        limits = resources.get("limits") or {}
        jitter = (
            0.9 + (zlib.crc32(f"{pod['metadata']['uid']}/{container['name']}".encode()) % 20) / 100
        )
        cpu_basis = millicores(requests.get("cpu") or limits.get("cpu"))
        memory_basis = bytes_of(requests.get("memory") or limits.get("memory"))
        demand = declared.cpu_millicores
        if declared.load is not None:
            demand = (demand or 0) + declared.load.cpu_millicores // self._group_size(pod)
        if demand is None:
            demand = int(cpu_basis * 0.2 * jitter) if cpu_basis else _DEFAULT_CPU_MILLI
        cpu_limit = millicores(limits.get("cpu")) if limits.get("cpu") else None
        cpu = min(demand, cpu_limit) if cpu_limit else demand
        memory = declared.memory_bytes
        if memory is None:
            memory = int(memory_basis * 0.4 * jitter) if memory_basis else _DEFAULT_MEMORY
        memory_limit = bytes_of(limits.get("memory")) if limits.get("memory") else None
        if memory_limit:
            memory = min(memory, memory_limit)
        return Usage(max(cpu, 1), max(memory, 2**20), max(demand, 1))

    def _group_size(self, pod: Obj) -> int:
        """Ready pods sharing this pod's workload labels (the pod itself counts)."""
        labels = _workload_labels(pod)
        count = 0
        for other in self._store.scan(self._pods, pod["metadata"]["namespace"]):
            if other["metadata"]["uid"] == pod["metadata"]["uid"]:
                continue
            if _workload_labels(other) == labels and is_pod_ready(other) and not is_deleting(other):
                count += 1
        return count + 1


def _workload_labels(pod: Obj) -> dict[str, str]:
    labels = pod["metadata"].get("labels") or {}
    return {k: v for k, v in labels.items() if k not in _HASH_LABELS}
