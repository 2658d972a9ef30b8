"""How health predicates read a cluster: a small protocol, and an HTTP implementation.

``HttpClusterReader`` talks to any Kubernetes API server with a bearer token: the
simulator, or a real cluster through a kubeconfig with a token user.
"""

from __future__ import annotations

import base64
import contextlib
import ssl
from pathlib import Path
from types import TracebackType
from typing import Protocol

import httpx
import yaml

from kubernaut.sim.objects import Obj

ObjList = list[Obj]

RESOURCES: dict[tuple[str, str], tuple[str, bool]] = {
    ("v1", "Pod"): ("pods", True),
    ("v1", "Node"): ("nodes", False),
    ("v1", "Namespace"): ("namespaces", False),
    ("v1", "Service"): ("services", True),
    ("v1", "Endpoints"): ("endpoints", True),
    ("v1", "Event"): ("events", True),
    ("v1", "PersistentVolumeClaim"): ("persistentvolumeclaims", True),
    ("apps/v1", "Deployment"): ("deployments", True),
    ("apps/v1", "ReplicaSet"): ("replicasets", True),
    ("apps/v1", "StatefulSet"): ("statefulsets", True),
    ("apps/v1", "DaemonSet"): ("daemonsets", True),
    ("autoscaling/v2", "HorizontalPodAutoscaler"): ("horizontalpodautoscalers", True),
    ("metrics.k8s.io/v1beta1", "PodMetrics"): ("pods", True),
    ("metrics.k8s.io/v1beta1", "NodeMetrics"): ("nodes", False),
}
"""``(apiVersion, kind)`` -> ``(plural, namespaced)``: the kinds health predicates and the
evals read."""

_PAGE = 500


class ClusterReadError(Exception):
    """The cluster could not be read (unreachable, refused, or an unexpected answer)."""


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


def resource_path(api_version: str, kind: str, namespace: str | None, name: str = "") -> str:
    try:
        plural, namespaced = RESOURCES[(api_version, kind)]
    except KeyError:
        raise ValueError(f"no resource path known for {kind} ({api_version})") from None
    prefix = "/api/v1" if api_version == "v1" else f"/apis/{api_version}"
    where = f"/namespaces/{namespace}" if namespaced and namespace else ""
    return f"{prefix}{where}/{plural}" + (f"/{name}" if name else "")


class HttpClusterReader:
    """A :class:`ClusterReader` over HTTP(S), configured from a kubeconfig with a token user.

    Use it as an async context manager, or call :meth:`aclose` when done.
    """

    def __init__(
        self, kubeconfig: Path | str, *, context: str | None = None, timeout: float = 10.0
    ) -> None:
        server, token, verify = _connection(Path(kubeconfig), context)
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._client = httpx.AsyncClient(
            base_url=server, headers=headers, verify=verify, timeout=timeout
        )

    async def __aenter__(self) -> HttpClusterReader:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def get(
        self, api_version: str, kind: str, namespace: str | None, name: str
    ) -> Obj | None:
        response = await self._request(resource_path(api_version, kind, namespace, name))
        if response.status_code == 404:
            return None
        found: Obj = _checked(response).json()
        return found

    async def list(
        self,
        api_version: str,
        kind: str,
        namespace: str | None,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> ObjList:
        path = resource_path(api_version, kind, namespace)
        params: dict[str, str | int] = {"limit": _PAGE}
        if label_selector:
            params["labelSelector"] = label_selector
        if field_selector:
            params["fieldSelector"] = field_selector
        items: ObjList = []
        while True:
            page = _checked(await self._request(path, params)).json()
            items.extend(page.get("items") or [])
            token = (page.get("metadata") or {}).get("continue")
            if not token:
                return items
            params["continue"] = token

    async def raw(self, path: str) -> str:
        return _checked(await self._request(path)).text

    async def _request(
        self, path: str, params: dict[str, str | int] | None = None
    ) -> httpx.Response:
        try:
            return await self._client.get(path, params=params)
        except httpx.HTTPError as error:
            raise ClusterReadError(f"GET {path}: {error}") from error


def _checked(response: httpx.Response) -> httpx.Response:
    if response.is_success:
        return response
    message = response.text.strip()
    with contextlib.suppress(ValueError):
        message = str(response.json().get("message") or message)
    raise ClusterReadError(f"GET {response.request.url.path}: {response.status_code} {message}")


def _connection(kubeconfig: Path, context: str | None) -> tuple[str, str, ssl.SSLContext | bool]:
    """Server URL, bearer token and TLS verification from ``kubeconfig``."""
    try:
        config = yaml.safe_load(kubeconfig.read_text()) or {}
        chosen = context or config["current-context"]
        names = _named(config, "contexts", chosen)
        cluster = _named(config, "clusters", names["cluster"])
        user = _named(config, "users", names["user"])
        token = user.get("token") or ""
        if not token and user.get("tokenFile"):
            token = (kubeconfig.parent / user["tokenFile"]).read_text().strip()
        return str(cluster["server"]), str(token), _verification(kubeconfig.parent, cluster)
    except (OSError, ValueError, yaml.YAMLError, KeyError, TypeError) as error:
        raise ClusterReadError(f"{kubeconfig}: not a usable kubeconfig: {error!r}") from None


def _verification(base: Path, cluster: Obj) -> ssl.SSLContext | bool:
    if cluster.get("insecure-skip-tls-verify"):
        return False
    if cluster.get("certificate-authority-data"):
        pem = base64.b64decode(cluster["certificate-authority-data"]).decode()
        return ssl.create_default_context(cadata=pem)
    if cluster.get("certificate-authority"):
        return ssl.create_default_context(cafile=str(base / cluster["certificate-authority"]))
    return True


def _named(config: Obj, section: str, name: str) -> Obj:
    for entry in config.get(section) or []:
        if entry.get("name") == name:
            found: Obj = entry[section[:-1]]
            return found
    raise KeyError(f"no {section[:-1]} named {name!r}")
