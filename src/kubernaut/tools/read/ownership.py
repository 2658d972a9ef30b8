"""Owner chains: which object controls which (Pod -> ReplicaSet -> Deployment), followed
through ``ownerReferences`` as the garbage collector sees them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kubernaut.core.resources import ResourceRef
from kubernaut.kube import KubeClient

Obj = dict[str, Any]
_MAX_DEPTH = 6


@dataclass(frozen=True)
class Owner:
    ref: ResourceRef
    api_version: str
    obj: Obj | None
    """None when the reference points at an object that no longer exists."""


def ref_of(obj: Obj) -> ResourceRef:
    metadata = obj.get("metadata") or {}
    return ResourceRef(
        kind=str(obj.get("kind", "")),
        namespace=str(metadata.get("namespace") or ""),
        name=str(metadata.get("name", "")),
    )


def controller_reference(obj: Obj) -> dict[str, Any] | None:
    """The owner reference marked ``controller``, else the first one, else None."""
    references = (obj.get("metadata") or {}).get("ownerReferences") or []
    for reference in references:
        if reference.get("controller"):
            return dict(reference)
    return dict(references[0]) if references else None


async def owner_chain(client: KubeClient, obj: Obj) -> list[Owner]:
    """The owners of ``obj``, nearest first, up to the top-level one (or the first that
    no longer exists)."""
    chain: list[Owner] = []
    namespace = (obj.get("metadata") or {}).get("namespace") or ""
    current: Obj | None = obj
    while current is not None and len(chain) < _MAX_DEPTH:
        reference = controller_reference(current)
        if reference is None:
            break
        api_version, kind = str(reference.get("apiVersion", "")), str(reference.get("kind", ""))
        resource = await client.resource(api_version, kind)
        where = namespace if resource.namespaced else ""
        current = await client.get(api_version, kind, where or None, str(reference["name"]))
        ref = ResourceRef(kind=kind, namespace=where, name=str(reference["name"]))
        chain.append(Owner(ref, api_version, current))
    return chain


async def top_owner(client: KubeClient, obj: Obj) -> Obj:
    """The top-level existing owner of ``obj`` (``obj`` itself when it has none)."""
    top = obj
    for owner in await owner_chain(client, obj):
        if owner.obj is None:
            break
        top = owner.obj
    return top
