"""Node status defaults: a node created without status reports itself Ready with capacity."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from kubernaut.sim.controllers.base import BaseController
from kubernaut.sim.controllers.manager import Key, Mapper, same_object
from kubernaut.sim.objects import Obj

if TYPE_CHECKING:
    from kubernaut.sim.cluster import Cluster

DEFAULT_CAPACITY = {"cpu": "4", "memory": "16Gi", "pods": "110", "ephemeral-storage": "100Gi"}


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
        status = node.get("status") or {}
        if status.get("conditions") and status.get("allocatable") and status.get("nodeInfo"):
            return None
        now = self.clock.timestamp()
        index = sorted(n["metadata"]["name"] for n in self.store.scan(self.nodes)).index(key[1])

        def complete(n: Obj) -> None:
            s = n.setdefault("status", {})
            s.setdefault("capacity", dict(DEFAULT_CAPACITY))
            s.setdefault("allocatable", dict(s["capacity"]))
            s.setdefault("nodeInfo", node_info())
            s.setdefault(
                "addresses",
                [
                    {"type": "InternalIP", "address": f"172.18.0.{index + 2}"},
                    {"type": "Hostname", "address": key[1]},
                ],
            )
            if not s.get("conditions"):
                s["conditions"] = [
                    _condition(
                        "MemoryPressure",
                        "False",
                        "KubeletHasSufficientMemory",
                        "kubelet has sufficient memory available",
                        now,
                    ),
                    _condition(
                        "DiskPressure",
                        "False",
                        "KubeletHasNoDiskPressure",
                        "kubelet has no disk pressure",
                        now,
                    ),
                    _condition(
                        "PIDPressure",
                        "False",
                        "KubeletHasSufficientPID",
                        "kubelet has sufficient PID available",
                        now,
                    ),
                    _condition(
                        "Ready", "True", "KubeletReady", "kubelet is posting ready status", now
                    ),
                ]

        self.store.mutate(self.nodes, "", key[1], complete)
        return None


def _condition(kind: str, status: str, reason: str, message: str, now: str) -> Obj:
    return {
        "type": kind,
        "status": status,
        "reason": reason,
        "message": message,
        "lastHeartbeatTime": now,
        "lastTransitionTime": now,
    }
