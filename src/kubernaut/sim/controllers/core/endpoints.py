"""The endpoints controller: a Service's Endpoints and EndpointSlice list its selected pods,
ready or not (kubectl before 1.33 reads Endpoints, later versions EndpointSlices)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from kubernaut.sim.controllers.base import BaseController
from kubernaut.sim.controllers.manager import Key, Mapper, same_object
from kubernaut.sim.objects import Obj, is_deleting, owner_reference
from kubernaut.sim.podutil import is_pod_ready
from kubernaut.sim.resources import ResourceType
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
        self.slices = self.kind("discovery.k8s.io/v1", "EndpointSlice")

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
        self._write(self.endpoints, desired, "subsets")
        self._write(self.slices, _slice(service, ready, not_ready, ports), "endpoints")
        return None

    def _write(self, resource: ResourceType, desired: Obj, field: str) -> None:
        metadata = desired["metadata"]
        existing = self.store.peek(resource, metadata["namespace"], metadata["name"])
        if existing is None:
            self.store.create(resource, desired)
        elif existing.get(field) != desired[field] or existing.get("ports") != desired.get("ports"):

            def update(obj: Obj) -> None:
                obj[field] = desired[field]
                if "ports" in desired:
                    obj["ports"] = desired["ports"]

            self.store.mutate(resource, metadata["namespace"], metadata["name"], update)


def _slice(service: Obj, ready: list[Obj], not_ready: list[Obj], ports: list[Obj]) -> Obj:
    """The service's single EndpointSlice, named like the real controller's (``<svc>-<hash>``)."""
    name = service["metadata"]["name"]
    suffix = hashlib.sha256(service["metadata"]["uid"].encode()).hexdigest()[:5]
    endpoints = [
        {
            "addresses": [address["ip"]],
            "conditions": {
                "ready": address in ready,
                "serving": address in ready,
                "terminating": False,
            },
            "nodeName": address["nodeName"],
            "targetRef": address["targetRef"],
        }
        for address in ready + not_ready
    ]
    return {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": {
            "name": f"{name}-{suffix}",
            "namespace": service["metadata"]["namespace"],
            "labels": {
                "kubernetes.io/service-name": name,
                "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
            },
            "ownerReferences": [owner_reference(service)],
        },
        "addressType": "IPv4",
        "endpoints": endpoints,
        "ports": [{"name": "", **port} for port in ports],
    }


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
