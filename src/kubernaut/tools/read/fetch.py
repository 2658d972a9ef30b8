"""Reading objects for the tools: list items carry their ``kind`` and ``apiVersion``
(a real API server leaves them off list items), and cluster-scoped kinds ignore the
namespace they are given."""

from __future__ import annotations

from typing import Any

from kubernaut.kube import KubeClient
from kubernaut.tools.read.kinds import Kind

Obj = dict[str, Any]


async def get_object(
    client: KubeClient, kind: Kind, namespace: str | None, name: str
) -> Obj | None:
    where = namespace if kind.namespaced else None
    found = await client.get(kind.api_version, kind.kind, where, name)
    return None if found is None else _typed(found, kind)


async def list_objects(
    client: KubeClient,
    kind: Kind,
    namespace: str | None,
    label_selector: str | None = None,
    field_selector: str | None = None,
    *,
    limit: int | None = None,
) -> list[Obj]:
    where = namespace if kind.namespaced else None
    items = await client.list(
        kind.api_version, kind.kind, where, label_selector, field_selector, limit=limit
    )
    return [_typed(item, kind) for item in items]


def _typed(obj: Obj, kind: Kind) -> Obj:
    obj.setdefault("kind", kind.kind)
    obj.setdefault("apiVersion", kind.api_version)
    return obj
