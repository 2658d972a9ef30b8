"""How strategic merge patch treats each list field of the built-in kinds.

A real API server reads this from the ``patchStrategy``/``patchMergeKey`` tags on its Go
types. The simulator keeps the subset that kubectl and controllers actually patch, as
tables keyed by where a list sits. Every list not found here is atomic: a patch replaces
it whole (``tolerations``, ``args``, ``command``, ``envFrom``, Node ``spec.taints``,
Endpoints ``subsets``, ...). Adding a list is one line in the most specific table that
identifies it unambiguously.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

FieldPath = tuple[str, ...]
"""Field names from the object root to a list, skipping list indexes."""


@dataclass(frozen=True, slots=True)
class ListStrategy:
    """A list that a strategic merge patch merges instead of replacing.

    ``merge_key`` names the field identifying each element of a list of objects; ``None``
    means a list of primitives merged as an ordered set (e.g. ``metadata.finalizers``).
    """

    merge_key: str | None

    @property
    def is_primitive_set(self) -> bool:
        return self.merge_key is None


# Lists merged by key wherever they occur: the field name alone is unambiguous.
MERGE_KEY_BY_FIELD: Final[Mapping[str, str]] = {
    "containers": "name",
    "initContainers": "name",
    "ephemeralContainers": "name",
    "env": "name",
    "volumes": "name",
    "volumeMounts": "mountPath",
    "volumeDevices": "devicePath",
    "imagePullSecrets": "name",
    "hostAliases": "ip",
    "topologySpreadConstraints": "topologyKey",
    "schedulingGates": "name",
    "resourceClaims": "name",
    "podIPs": "ip",
    "hostIPs": "ip",
    "webhooks": "name",
}

# Lists whose merge key depends on the field that holds them: (parent field, field).
MERGE_KEY_BY_PARENT: Final[Mapping[tuple[str, str], str]] = {
    ("containers", "ports"): "containerPort",
    ("initContainers", "ports"): "containerPort",
    ("ephemeralContainers", "ports"): "containerPort",
    ("status", "conditions"): "type",
    ("metadata", "ownerReferences"): "uid",
}

# Lists merged by key only in one kind, at one path from the object root.
MERGE_KEY_BY_KIND_PATH: Final[Mapping[tuple[str, FieldPath], str]] = {
    ("Service", ("spec", "ports")): "port",
    ("Node", ("status", "addresses")): "type",
    ("ServiceAccount", ("secrets",)): "name",
}

# Lists of primitives merged as ordered sets, by (parent field, field) ...
PRIMITIVE_SET_BY_PARENT: Final[frozenset[tuple[str, str]]] = frozenset(
    {
        ("metadata", "finalizers"),
    }
)

# ... and by (kind, path from the object root).
PRIMITIVE_SET_BY_KIND_PATH: Final[frozenset[tuple[str, FieldPath]]] = frozenset(
    {
        ("Node", ("spec", "podCIDRs")),
    }
)


def list_strategy(kind: str, path: FieldPath) -> ListStrategy | None:
    """The merge strategy of the list at ``path`` in an object of ``kind``.

    ``None`` means the list is atomic. The most specific table wins: kind and path, then
    parent field, then field name.
    """
    if not path:
        return None
    field = path[-1]
    parent = (path[-2], field) if len(path) > 1 else None
    if (kind, path) in PRIMITIVE_SET_BY_KIND_PATH:
        return ListStrategy(merge_key=None)
    key = MERGE_KEY_BY_KIND_PATH.get((kind, path))
    if key is not None:
        return ListStrategy(merge_key=key)
    if parent is not None:
        if parent in PRIMITIVE_SET_BY_PARENT:
            return ListStrategy(merge_key=None)
        key = MERGE_KEY_BY_PARENT.get(parent)
        if key is not None:
            return ListStrategy(merge_key=key)
    key = MERGE_KEY_BY_FIELD.get(field)
    return ListStrategy(merge_key=key) if key is not None else None
