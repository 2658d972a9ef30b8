"""Node status: defaults for nodes created without one, declared conditions, and the
taints the node lifecycle controller derives from conditions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from kubernaut.sim.controllers.base import BaseController
from kubernaut.sim.controllers.manager import Key, Mapper, same_object
from kubernaut.sim.objects import Obj, annotations_of
from kubernaut.sim.physics.behavior import BehaviorError, node_behavior

if TYPE_CHECKING:
    from kubernaut.sim.cluster import Cluster

DEFAULT_CAPACITY = {"cpu": "4", "memory": "16Gi", "pods": "110", "ephemeral-storage": "100Gi"}

# condition -> status -> (reason, message, event reason)
_CONDITION_TEXT: dict[str, dict[str, tuple[str, str, str]]] = {
    "MemoryPressure": {
        "False": (
            "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available",
            "NodeHasSufficientMemory",
        ),
        "True": (
            "KubeletHasInsufficientMemory",
            "kubelet has insufficient memory available",
            "NodeHasInsufficientMemory",
        ),
    },
    "DiskPressure": {
        "False": (
            "KubeletHasNoDiskPressure",
            "kubelet has no disk pressure",
            "NodeHasNoDiskPressure",
        ),
        "True": ("KubeletHasDiskPressure", "kubelet has disk pressure", "NodeHasDiskPressure"),
    },
    "PIDPressure": {
        "False": (
            "KubeletHasSufficientPID",
            "kubelet has sufficient PID available",
            "NodeHasSufficientPID",
        ),
        "True": (
            "KubeletHasInsufficientPID",
            "kubelet has insufficient PID available",
            "NodeHasInsufficientPID",
        ),
    },
    "Ready": {
        "True": ("KubeletReady", "kubelet is posting ready status", "NodeReady"),
        "False": ("KubeletNotReady", "container runtime is down", "NodeNotReady"),
        "Unknown": ("NodeStatusUnknown", "Kubelet stopped posting node status.", "NodeNotReady"),
    },
}

# (condition, status) -> taint keys and effects the lifecycle controller adds
_TAINTS: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {
    ("MemoryPressure", "True"): ("node.kubernetes.io/memory-pressure", ("NoSchedule",)),
    ("DiskPressure", "True"): ("node.kubernetes.io/disk-pressure", ("NoSchedule",)),
    ("PIDPressure", "True"): ("node.kubernetes.io/pid-pressure", ("NoSchedule",)),
    ("Ready", "False"): ("node.kubernetes.io/not-ready", ("NoSchedule", "NoExecute")),
    ("Ready", "Unknown"): ("node.kubernetes.io/unreachable", ("NoSchedule", "NoExecute")),
}
_MANAGED_TAINT_KEYS = frozenset(key for key, _ in _TAINTS.values())


def node_info(kubelet_version: str = "v1.32.0") -> Obj:
    return {
        "architecture": "amd64",
        "operatingSystem": "linux",
        "osImage": "Debian GNU/Linux 12 (bookworm)",
        "kernelVersion": "6.1.0-kubernaut-sim",
        "containerRuntimeVersion": "containerd://1.7.22",
        "kubeletVersion": kubelet_version,
        "kubeProxyVersion": kubelet_version,
        "machineID": "",
        "systemUUID": "",
        "bootID": "",
    }


class NodeController(BaseController):
    name = "node-controller"

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.nodes = self.kind("v1", "Node")

    def watches(self) -> Iterable[tuple[str, Mapper]]:
        return [("nodes", same_object)]

    def reconcile(self, key: Key) -> float | None:
        node = self.store.peek(self.nodes, "", key[1])
        if node is None:
            return None
        try:
            declared = node_behavior(annotations_of(node)).conditions
        except BehaviorError:
            declared = {}
        now = self.clock.timestamp()
        index = sorted(n["metadata"]["name"] for n in self.store.scan(self.nodes)).index(key[1])
        transitions: list[str] = []

        def converge(n: Obj) -> None:
            status = n.setdefault("status", {})
            status.setdefault("capacity", dict(DEFAULT_CAPACITY))
            status.setdefault("allocatable", dict(status["capacity"]))
            status.setdefault("nodeInfo", node_info())
            status.setdefault(
                "addresses",
                [
                    {"type": "InternalIP", "address": f"172.18.0.{index + 2}"},
                    {"type": "Hostname", "address": key[1]},
                ],
            )
            conditions = {c["type"]: c for c in status.get("conditions") or []}
            for kind in ("MemoryPressure", "DiskPressure", "PIDPressure", "Ready"):
                default = "True" if kind == "Ready" else "False"
                current = conditions.get(kind)
                wanted = declared.get(kind) or (current or {}).get("status") or default
                if current is None or current.get("status") != wanted:
                    reason, message, event_reason = _CONDITION_TEXT[kind][wanted]
                    conditions[kind] = {
                        "type": kind,
                        "status": wanted,
                        "reason": reason,
                        "message": message,
                        "lastHeartbeatTime": now,
                        "lastTransitionTime": now,
                    }
                    if current is not None:
                        transitions.append(event_reason)
            status["conditions"] = [conditions[k] for k in _CONDITION_TEXT] + [
                c for t, c in conditions.items() if t not in _CONDITION_TEXT
            ]
            _set_taints(n, conditions, now)

        updated = self.store.mutate(self.nodes, "", key[1], converge)
        for reason in transitions:
            if updated is not None:
                self.event(updated, "Normal", reason, f"Node {key[1]} status is now: {reason}")
        return None


def _set_taints(node: Obj, conditions: dict[str, Obj], now: str) -> None:
    spec = node.setdefault("spec", {})
    existing = spec.get("taints") or []
    kept = [t for t in existing if t.get("key") not in _MANAGED_TAINT_KEYS]
    managed = {
        (t["key"], t.get("effect")): t for t in existing if t.get("key") in _MANAGED_TAINT_KEYS
    }
    for (kind, status), (taint_key, effects) in _TAINTS.items():
        if conditions.get(kind, {}).get("status") != status:
            continue
        for effect in effects:
            taint = managed.get((taint_key, effect)) or {"key": taint_key, "effect": effect}
            if effect == "NoExecute":
                taint.setdefault("timeAdded", now)
            kept.append(taint)
    if kept:
        spec["taints"] = kept
    else:
        spec.pop("taints", None)
