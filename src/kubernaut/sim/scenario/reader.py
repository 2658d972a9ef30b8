"""How health predicates read a cluster: a small protocol, implemented over HTTP by
:class:`kubernaut.kube.KubeClient` (the simulator, or any cluster through a kubeconfig)."""

from __future__ import annotations

from typing import Protocol

from kubernaut.kube import KubeClient, KubeError
from kubernaut.sim.objects import Obj

ObjList = list[Obj]

ClusterReadError = KubeError
"""The cluster could not be read (unreachable, refused, or an unexpected answer)."""

HttpClusterReader = KubeClient
"""A :class:`ClusterReader` over HTTP(S), configured from a kubeconfig."""


class ClusterReader(Protocol):
    """Read access to a cluster, as health predicates need it. ``namespace`` is None for
    cluster-scoped kinds, or to list across all namespaces."""

    async def get(
        self, api_version: str, kind: str, namespace: str | None, name: str
    ) -> Obj | None:
        """The object, or None when it does not exist."""
        ...

    async def list(
        self,
        api_version: str,
        kind: str,
        namespace: str | None,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> ObjList:
        """The objects of ``kind`` matching both selectors."""
        ...

    async def raw(self, path: str) -> str:
        """The body of ``GET path`` (for example a pod's metrics through the API proxy)."""
        ...
