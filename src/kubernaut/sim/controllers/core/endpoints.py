"""The endpoints controller: a Service's Endpoints list its selected pods, ready or not."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from kubernaut.sim.controllers.base import BaseController
from kubernaut.sim.controllers.manager import Key, Mapper, same_object
from kubernaut.sim.objects import Obj, is_deleting
from kubernaut.sim.podutil import is_pod_ready
from kubernaut.sim.store import StoreEvent

if TYPE_CHECKING:
    from kubernaut.sim.cluster import Cluster


class EndpointsController(BaseController):
    name = "endpoint-controller"

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.services = self.kind("v1", "Service")
        self.endpoints = self.kind("v1", "Endpoints")
        self.pods = self.kind("v1", "Pod")

    def watches(self) -> Iterable[tuple[str, Mapper]]:
        return [("services", same_object), ("pods", self._services_in_namespace)]

    def _services_in_namespace(self, event: StoreEvent) -> Iterable[Key]:
        namespace = event.object["metadata"]["namespace"]
        return [
            (namespace, s["metadata"]["name"]) for s in self.store.scan(self.services, namespace)
        ]

    def reconcile(self, key: Key) -> float | None:
        service = self.store.peek(self.services, *key)
        if service is None or not service.get("spec", {}).get("selector"):
            return None
        selector = service["spec"]["selector"]
        ready: list[Obj] = []
        not_ready: list[Obj] = []
        ports: list[Obj] = []
        for pod in sorted(self.store.scan(self.pods, key[0]), key=lambda p: p["metadata"]["name"]):
            labels = pod["metadata"].get("labels") or {}
            if any(labels.get(k) != v for k, v in selector.items()):
                continue
            ip = pod.get("status", {}).get("podIP")
            if not ip or is_deleting(pod) or pod["status"].get("phase") in ("Succeeded", "Failed"):
                continue
            address = {
                "ip": ip,
                "nodeName": pod["spec"].get("nodeName", ""),
                "targetRef": {
                    "kind": "Pod",
                    "name": pod["metadata"]["name"],
                    "namespace": key[0],
                    "uid": pod["metadata"]["uid"],
                },
            }
            (ready if is_pod_ready(pod) else not_ready).append(address)
            if not ports:
                ports = _resolve_ports(service, pod)
        subset: Obj = {}
        if ready:
            subset["addresses"] = ready
        if not_ready:
            subset["notReadyAddresses"] = not_ready
        if subset:
            subset["ports"] = ports
        desired = {
            "apiVersion": "v1",
            "kind": "Endpoints",
            "metadata": {
                "name": key[1],
                "namespace": key[0],
                "labels": dict(service["metadata"].get("labels") or {}),
            },
            "subsets": [subset] if subset else [],
        }
        existing = self.store.peek(self.endpoints, *key)
        if existing is None:
            self.store.create(self.endpoints, desired)
        elif existing.get("subsets", []) != desired["subsets"]:
            self.store.mutate(
                self.endpoints, *key, lambda e: e.__setitem__("subsets", desired["subsets"])
            )
        return None


def _resolve_ports(service: Obj, pod: Obj) -> list[Obj]:
    named = {
        port["name"]: port["containerPort"]
        for container in pod["spec"].get("containers") or []
        for port in container.get("ports") or []
        if port.get("name")
    }
    resolved = []
    for port in service["spec"].get("ports") or []:
        target = port.get("targetPort", port.get("port"))
        number = named.get(target, target) if isinstance(target, str) else target
        entry: Obj = {"port": number, "protocol": port.get("protocol", "TCP")}
        if port.get("name"):
            entry["name"] = port["name"]
        resolved.append(entry)
    return resolved
