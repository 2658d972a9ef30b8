"""Small helpers for reading and copying Kubernetes objects held as plain dicts."""

from __future__ import annotations

from typing import Any

import orjson

Obj = dict[str, Any]


def deep_copy(obj: Obj) -> Obj:
    """A fast deep copy of a JSON-shaped object."""
    copied: Obj = orjson.loads(orjson.dumps(obj))
    return copied


def name_of(obj: Obj) -> str:
    return str(obj.get("metadata", {}).get("name", ""))


def namespace_of(obj: Obj) -> str:
    return str(obj.get("metadata", {}).get("namespace", "") or "")


def labels_of(obj: Obj) -> dict[str, str]:
    labels: dict[str, str] = obj.get("metadata", {}).get("labels") or {}
    return labels


def annotations_of(obj: Obj) -> dict[str, str]:
    annotations: dict[str, str] = obj.get("metadata", {}).get("annotations") or {}
    return annotations


def owner_uids(obj: Obj) -> list[str]:
    return [ref["uid"] for ref in obj.get("metadata", {}).get("ownerReferences") or []]


def controller_ref(obj: Obj) -> Obj | None:
    for ref in obj.get("metadata", {}).get("ownerReferences") or []:
        if ref.get("controller"):
            found: Obj = ref
            return found
    return None


def owner_reference(owner: Obj, *, controller: bool = True) -> Obj:
    return {
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": name_of(owner),
        "uid": owner["metadata"]["uid"],
        "controller": controller,
        "blockOwnerDeletion": True,
    }


def is_deleting(obj: Obj) -> bool:
    return bool(obj.get("metadata", {}).get("deletionTimestamp"))
