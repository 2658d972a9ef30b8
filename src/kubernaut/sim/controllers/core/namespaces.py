"""The namespace controller: default ServiceAccount and root CA per namespace, and
emptying a terminating namespace before it goes."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from kubernaut.sim.controllers.base import BaseController
from kubernaut.sim.controllers.manager import Key, Mapper, same_object
from kubernaut.sim.errors import ApiError
from kubernaut.sim.objects import Obj, is_deleting

if TYPE_CHECKING:
    from kubernaut.sim.cluster import Cluster

RECHECK_SECONDS = 1.0
ROOT_CA = "kube-root-ca.crt"
_SIMULATED_CA = (
    "-----BEGIN CERTIFICATE-----\nkubernaut simulator (no TLS)\n-----END CERTIFICATE-----\n"
)


class NamespaceController(BaseController):
    name = "namespace-controller"

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.namespaces = self.kind("v1", "Namespace")
        self.service_accounts = self.kind("v1", "ServiceAccount")
        self.config_maps = self.kind("v1", "ConfigMap")

    def watches(self) -> Iterable[tuple[str, Mapper]]:
        return [("namespaces", same_object)]

    def reconcile(self, key: Key) -> float | None:
        namespace = self.store.peek(self.namespaces, "", key[1])
        if namespace is None:
            return None
        name = key[1]
        if is_deleting(namespace):
            return self._drain(namespace)
        if self.store.peek(self.service_accounts, name, "default") is None:
            self.store.create(
                self.service_accounts, {"metadata": {"name": "default", "namespace": name}}
            )
        if self.store.peek(self.config_maps, name, ROOT_CA) is None:
            self.store.create(
                self.config_maps,
                {
                    "metadata": {"name": ROOT_CA, "namespace": name},
                    "data": {"ca.crt": _SIMULATED_CA},
                },
            )
        return None

    def _drain(self, namespace: Obj) -> float | None:
        name = namespace["metadata"]["name"]
        remaining = 0
        for resource in self.cluster.registry:
            if not resource.namespaced or not resource.stored:
                continue
            for obj in list(self.store.scan(resource, name)):
                remaining += 1
                if is_deleting(obj):
                    continue
                with contextlib.suppress(ApiError):
                    self.store.delete(resource, name, obj["metadata"]["name"], grace_period=0)
        if remaining:
            return RECHECK_SECONDS
        self.store.mutate(
            self.namespaces, "", name, lambda ns: ns["spec"].__setitem__("finalizers", [])
        )
        return None
