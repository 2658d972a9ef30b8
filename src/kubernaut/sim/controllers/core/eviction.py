"""Evictions: the kubelet's eviction manager under node pressure, and the taint manager
that removes pods from nodes with NoExecute taints they do not tolerate."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from kubernaut.sim.clock import parse_time
from kubernaut.sim.controllers.base import BaseController
from kubernaut.sim.controllers.manager import Key, Mapper, same_object
from kubernaut.sim.objects import Obj, controller_ref, is_deleting
from kubernaut.sim.podutil import condition_true, is_terminated, set_condition

if TYPE_CHECKING:
    from kubernaut.sim.cluster import Cluster
    from kubernaut.sim.controllers.core.kubelet import Kubelet

EVICTION_INTERVAL = 10.0
_PRESSURE = {
    "DiskPressure": "ephemeral-storage. Threshold quantity: 10%, available: 4%. ",
    "MemoryPressure": "memory. Threshold quantity: 100Mi, available: 72Mi. ",
}
_QOS_ORDER = {"BestEffort": 0, "Burstable": 1, "Guaranteed": 2}


def _pods_on(controller: BaseController, node_name: str) -> list[Obj]:
    pods = controller.kind("v1", "Pod")
    return sorted(
        (p for p in controller.store.scan(pods) if p.get("spec", {}).get("nodeName") == node_name),
        key=lambda p: (p["metadata"]["namespace"], p["metadata"]["name"]),
    )


class EvictionManager(BaseController):
    """Evicts one pod every 10 s from a node under disk or memory pressure."""

    name = "kubelet"

    def __init__(self, cluster: Cluster, kubelet: Kubelet) -> None:
        super().__init__(cluster)
        self.kubelet = kubelet
        self.nodes = self.kind("v1", "Node")

    def watches(self) -> Iterable[tuple[str, Mapper]]:
        return [("nodes", same_object)]

    def reconcile(self, key: Key) -> float | None:
        node = self.store.peek(self.nodes, "", key[1])
        if node is None or not condition_true(node, "Ready"):
            return None
        pressure = next((kind for kind in _PRESSURE if condition_true(node, kind)), None)
        if pressure is None:
            return None
        resource = "ephemeral-storage" if pressure == "DiskPressure" else "memory"
        self.event(
            node,
            "Warning",
            "EvictionThresholdMet",
            f"Attempting to reclaim {resource}",
            host=key[1],
        )
        candidates = [
            p
            for p in _pods_on(self, key[1])
            if not is_deleting(p)
            and not is_terminated(p)
            and (controller_ref(p) or {}).get("kind") != "DaemonSet"
        ]
        if candidates:
            victim = min(
                candidates,
                key=lambda p: _QOS_ORDER.get(p.get("status", {}).get("qosClass", "BestEffort"), 0),
            )
            self.kubelet.evict(victim, f"The node was low on resource: {_PRESSURE[pressure]}")
        return EVICTION_INTERVAL


class TaintEvictionController(BaseController):
    """Marks pods on unready nodes not ready, and deletes pods that do not tolerate a
    NoExecute taint (after their tolerationSeconds)."""

    name = "node-controller"

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.nodes = self.kind("v1", "Node")
        self.pods = self.kind("v1", "Pod")

    def watches(self) -> Iterable[tuple[str, Mapper]]:
        return [("nodes", same_object)]

    def reconcile(self, key: Key) -> float | None:
        node = self.store.peek(self.nodes, "", key[1])
        if node is None:
            return None
        taints = [
            t for t in node.get("spec", {}).get("taints") or [] if t.get("effect") == "NoExecute"
        ]
        node_down = not condition_true(node, "Ready")
        now = self.clock.now()
        stamp = self.clock.timestamp()
        next_check: float | None = None
        for pod in _pods_on(self, key[1]):
            if is_deleting(pod) or is_terminated(pod):
                continue
            namespace, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
            if node_down and condition_true(pod, "Ready"):
                self.store.mutate(
                    self.pods,
                    namespace,
                    name,
                    lambda p: set_condition(p, "Ready", "False", stamp, "NodeNotReady", ""),
                )
            for taint in taints:
                wait = _toleration_seconds(pod, taint)
                if wait is None:
                    continue
                added = parse_time(taint.get("timeAdded") or stamp)
                remaining = wait - (now - added).total_seconds()
                if remaining <= 0:
                    self.event(
                        pod,
                        "Normal",
                        "TaintManagerEviction",
                        f"Marking for deletion Pod {namespace}/{name}",
                    )
                    self.store.delete(self.pods, namespace, name)
                    break
                next_check = remaining if next_check is None else min(next_check, remaining)
        return next_check


def _toleration_seconds(pod: Obj, taint: Obj) -> float | None:
    """None when the pod tolerates the taint forever; else seconds it may stay."""
    for toleration in pod.get("spec", {}).get("tolerations") or []:
        if toleration.get("effect") not in (None, "", taint.get("effect")):
            continue
        matches = (toleration.get("operator") == "Exists" and not toleration.get("key")) or (
            toleration.get("key") == taint.get("key")
        )
        if matches:
            seconds = toleration.get("tolerationSeconds")
            return None if seconds is None else float(seconds)
    return 0.0
