"""Which kind a tool argument means: ``pods``, ``Pod``, ``po`` and ``deploy`` are all
accepted, as kubectl accepts them; kinds outside the built-in table (custom resources)
are found through API discovery."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from kubernaut.kube import KubeClient
from kubernaut.kube.resources import KNOWN_TYPES

_NOT_READABLE = {"PodMetrics", "NodeMetrics", "SelfSubjectAccessReview", "Eviction"}
_SHORT_NAMES = {
    "po": "Pod",
    "no": "Node",
    "ns": "Namespace",
    "svc": "Service",
    "ep": "Endpoints",
    "ev": "Event",
    "cm": "ConfigMap",
    "sa": "ServiceAccount",
    "pvc": "PersistentVolumeClaim",
    "pv": "PersistentVolume",
    "quota": "ResourceQuota",
    "limits": "LimitRange",
    "deploy": "Deployment",
    "rs": "ReplicaSet",
    "sts": "StatefulSet",
    "ds": "DaemonSet",
    "cj": "CronJob",
    "hpa": "HorizontalPodAutoscaler",
    "pdb": "PodDisruptionBudget",
    "netpol": "NetworkPolicy",
    "ing": "Ingress",
    "sc": "StorageClass",
    "crd": "CustomResourceDefinition",
    "crds": "CustomResourceDefinition",
}


@dataclass(frozen=True)
class Kind:
    api_version: str
    kind: str
    namespaced: bool

    @property
    def is_secret(self) -> bool:
        return self.api_version == "v1" and self.kind == "Secret"


class UnknownKind(Exception):
    """The argument names no kind the API server serves."""


def _builtin_names() -> dict[str, Kind]:
    names: dict[str, Kind] = {}
    for resource in KNOWN_TYPES.values():
        if resource.kind in _NOT_READABLE:
            continue
        kind = Kind(resource.api_version, resource.kind, resource.namespaced)
        for name in (resource.kind.lower(), resource.plural, f"{resource.kind.lower()}s"):
            names.setdefault(name, kind)
    for short, full in _SHORT_NAMES.items():
        names[short] = names[full.lower()]
    return names


_BUILTIN = _builtin_names()


class KindResolver:
    """Resolves kind arguments for one client, remembering what discovery found."""

    def __init__(self, client: KubeClient) -> None:
        self._client = client
        self._discovered: dict[str, Kind] = {}

    async def resolve(self, argument: str) -> Kind:
        """The kind ``argument`` names. Built-in kinds (Secret included) resolve without
        a request; others are looked up with API discovery, optionally qualified by
        group (``remediationrequests.kubernaut.io``).

        Raises :class:`UnknownKind` when nothing matches.
        """
        key = argument.strip().lower()
        found = _BUILTIN.get(key) or self._discovered.get(key)
        if found is None:
            found = await self._discover(key)
            self._discovered[key] = found
        return found

    async def _discover(self, key: str) -> Kind:
        name, _, group = key.partition(".")
        groups = await self._json("/apis")
        for entry in groups.get("groups") or []:
            if group and entry.get("name", "").lower() != group:
                continue
            version = (entry.get("preferredVersion") or {}).get("groupVersion")
            if not version:
                continue
            listing = await self._json(f"/apis/{version}")
            for resource in listing.get("resources") or []:
                if "/" not in resource.get("name", "") and _names(resource) & {name, key}:
                    return Kind(version, resource["kind"], bool(resource.get("namespaced")))
        raise UnknownKind(
            f"the API server serves no kind called {key!r}; use a kind such as Pod, "
            "Deployment, Node or PersistentVolumeClaim, a plural, or a custom resource's "
            "plural (optionally with its group, e.g. widgets.example.com)"
        )

    async def _json(self, path: str) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(await self._client.raw(path))
        return loaded


def _names(resource: dict[str, Any]) -> set[str]:
    names = {
        str(resource.get("kind", "")).lower(),
        str(resource.get("name", "")).lower(),
        str(resource.get("singularName", "")).lower(),
    }
    names.update(str(short).lower() for short in resource.get("shortNames") or [])
    names.discard("")
    return names
