"""The scheduler: binds pending pods to nodes where their requests fit, or says why not."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from kubernaut.core.quantity import bytes_of, millicores
from kubernaut.sim.controllers.base import BaseController
from kubernaut.sim.controllers.manager import Key, Mapper
from kubernaut.sim.objects import Obj, is_deleting
from kubernaut.sim.podutil import (
    condition_true,
    is_terminated,
    pod_requests,
    set_condition,
    tolerates,
)
from kubernaut.sim.store import StoreEvent

if TYPE_CHECKING:
    from kubernaut.sim.cluster import Cluster

RETRY_SECONDS = 30.0
_SCHEDULING_EFFECTS = ("NoSchedule", "NoExecute")


class Scheduler(BaseController):
    name = "default-scheduler"

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.pods = self.kind("v1", "Pod")
        self.nodes = self.kind("v1", "Node")

    def watches(self) -> Iterable[tuple[str, Mapper]]:
        return [("pods", self._unbound_pod), ("nodes", self._pending_pods)]

    def _unbound_pod(self, event: StoreEvent) -> Iterable[Key]:
        pod = event.object
        if event.type == "DELETED":
            # freed capacity may let pending pods fit now
            return self._pending_pods(event) if pod.get("spec", {}).get("nodeName") else []
        if pod.get("spec", {}).get("nodeName") or is_deleting(pod):
            return []
        return [(pod["metadata"]["namespace"], pod["metadata"]["name"])]

    def _pending_pods(self, event: StoreEvent) -> Iterable[Key]:
        return [
            (pod["metadata"]["namespace"], pod["metadata"]["name"])
            for pod in self.store.scan(self.pods)
            if not pod.get("spec", {}).get("nodeName") and not is_deleting(pod)
        ]

    def reconcile(self, key: Key) -> float | None:
        pod = self.store.peek(self.pods, *key)
        if pod is None or pod.get("spec", {}).get("nodeName") or is_deleting(pod):
            return None
        if pod["spec"].get("schedulerName", "default-scheduler") != "default-scheduler":
            return None
        nodes = sorted(self.store.scan(self.nodes), key=lambda n: n["metadata"]["name"])
        usage = self._node_usage()
        reasons: Counter[str] = Counter()
        best: tuple[float, str] | None = None
        for node in nodes:
            why_not = self._unfit_reason(pod, node, usage)
            if why_not:
                reasons[why_not] += 1
                continue
            score = self._free_fraction(pod, node, usage)
            name = node["metadata"]["name"]
            if best is None or score > best[0]:
                best = (score, name)
        now = self.clock.timestamp()
        if best is None:
            message = _failure_message(len(nodes), reasons)
            updated = self.store.mutate(
                self.pods,
                *key,
                lambda p: set_condition(p, "PodScheduled", "False", now, "Unschedulable", message),
            )
            if updated is not None:
                self.event(updated, "Warning", "FailedScheduling", message)
            return RETRY_SECONDS
        node_name = best[1]

        def bind(p: Obj) -> None:
            p["spec"]["nodeName"] = node_name
            set_condition(p, "PodScheduled", "True", now)

        bound = self.store.mutate(self.pods, *key, bind)
        if bound is not None:
            self.event(
                bound,
                "Normal",
                "Scheduled",
                f"Successfully assigned {key[0]}/{key[1]} to {node_name}",
            )
        return None

    def _node_usage(self) -> dict[str, tuple[int, int, int]]:
        """Per node: requested CPU millicores, memory bytes, pod count."""
        usage: dict[str, tuple[int, int, int]] = {}
        for pod in self.store.scan(self.pods):
            node = pod.get("spec", {}).get("nodeName")
            if not node or is_terminated(pod):
                continue
            cpu, memory = pod_requests(pod)
            used = usage.get(node, (0, 0, 0))
            usage[node] = (used[0] + cpu, used[1] + memory, used[2] + 1)
        return usage

    def _unfit_reason(self, pod: Obj, node: Obj, usage: dict[str, tuple[int, int, int]]) -> str:
        spec = pod.get("spec", {})
        tolerations = spec.get("tolerations") or []
        labels = node["metadata"].get("labels") or {}
        if not condition_true(node, "Ready"):
            taint = {"key": "node.kubernetes.io/not-ready", "effect": "NoSchedule"}
            if not tolerates(tolerations, taint):
                return "node(s) had untolerated taint {node.kubernetes.io/not-ready: }"
        if node.get("spec", {}).get("unschedulable"):
            taint = {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}
            if not tolerates(tolerations, taint):
                return "node(s) were unschedulable"
        for taint in node.get("spec", {}).get("taints") or []:
            if taint.get("effect") in _SCHEDULING_EFFECTS and not tolerates(tolerations, taint):
                return f"node(s) had untolerated taint {{{taint['key']}: {taint.get('value', '')}}}"
        for key, value in (spec.get("nodeSelector") or {}).items():
            if labels.get(key) != value:
                return "node(s) didn't match Pod's node affinity/selector"
        allocatable = node.get("status", {}).get("allocatable") or {}
        cpu, memory = pod_requests(pod)
        used_cpu, used_memory, used_pods = usage.get(node["metadata"]["name"], (0, 0, 0))
        if used_pods + 1 > int(allocatable.get("pods", 110)):
            return "Too many pods"
        if cpu and used_cpu + cpu > millicores(allocatable.get("cpu", "0")):
            return "Insufficient cpu"
        if memory and used_memory + memory > bytes_of(allocatable.get("memory", "0")):
            return "Insufficient memory"
        return ""

    def _free_fraction(self, pod: Obj, node: Obj, usage: dict[str, tuple[int, int, int]]) -> float:
        allocatable = node.get("status", {}).get("allocatable") or {}
        cpu_total = max(millicores(allocatable.get("cpu", "1")), 1)
        memory_total = max(bytes_of(allocatable.get("memory", "1")), 1)
        cpu, memory = pod_requests(pod)
        used_cpu, used_memory, _ = usage.get(node["metadata"]["name"], (0, 0, 0))
        return (1 - (used_cpu + cpu) / cpu_total) + (1 - (used_memory + memory) / memory_total)


def _failure_message(total: int, reasons: Counter[str]) -> str:
    if total == 0:
        return "no nodes available to schedule pods"
    parts = ", ".join(f"{count} {reason}" for reason, count in sorted(reasons.items()))
    return (
        f"0/{total} nodes are available: {parts}. preemption: 0/{total} nodes are available: "
        f"{total} No preemption victims found for incoming pod."
    )
