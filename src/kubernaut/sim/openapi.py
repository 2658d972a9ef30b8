"""Just enough OpenAPI (v2 and v3) for kubectl to find which query parameters we accept.

kubectl reads these documents to decide whether the server validates fields itself
(``fieldValidation``) and whether it supports dry runs; it falls back to built-in
type information for patches, so no schemas are published.
"""

from __future__ import annotations

import hashlib
from typing import Any

from kubernaut.sim.discovery import version_info
from kubernaut.sim.resources import ResourceRegistry, ResourceType

_WRITE_PARAMETERS = ("dryRun", "fieldManager", "fieldValidation")


def _parameters(*names: str) -> list[dict[str, Any]]:
    return [
        {"name": name, "in": "query", "type": "string", "schema": {"type": "string"}}
        for name in names
    ]


def _gvk(resource: ResourceType) -> dict[str, str]:
    return {"group": resource.group, "version": resource.version, "kind": resource.kind}


def _paths(resource: ResourceType) -> dict[str, Any]:
    base = resource.path_prefix()
    scope = "/namespaces/{namespace}" if resource.namespaced else ""
    collection = f"{base}{scope}/{resource.plural}"
    item = f"{collection}/{{name}}"
    gvk = {"x-kubernetes-group-version-kind": _gvk(resource)}
    write = {"parameters": _parameters(*_WRITE_PARAMETERS), **gvk}
    collection_ops: dict[str, Any] = {}
    item_ops: dict[str, Any] = {}
    if "list" in resource.verbs:
        collection_ops["get"] = {"parameters": _parameters("labelSelector", "fieldSelector"), **gvk}
    if "create" in resource.verbs:
        collection_ops["post"] = write
    if "get" in resource.verbs:
        item_ops["get"] = dict(gvk)
    if "update" in resource.verbs:
        item_ops["put"] = write
        item_ops["patch"] = write
    if "delete" in resource.verbs:
        item_ops["delete"] = {"parameters": _parameters("dryRun"), **gvk}
    paths = {collection: collection_ops}
    if item_ops:
        paths[item] = item_ops
    for subresource in ("status", "scale"):
        if subresource in resource.subresources:
            paths[f"{item}/{subresource}"] = {"get": dict(gvk), "put": write, "patch": write}
    return paths


def openapi_v2(registry: ResourceRegistry) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for resource in registry:
        paths.update(_paths(resource))
    return {
        "swagger": "2.0",
        "info": {"title": "Kubernetes", "version": version_info()["gitVersion"]},
        "paths": paths,
        "definitions": {},
    }


def _group_version_key(resource: ResourceType) -> str:
    return resource.path_prefix().lstrip("/")


def openapi_v3_index(registry: ResourceRegistry) -> dict[str, Any]:
    index: dict[str, Any] = {}
    for resource in registry:
        key = _group_version_key(resource)
        if key not in index:
            document = openapi_v3_group(registry, key)
            digest = hashlib.sha256(repr(document).encode()).hexdigest()[:16].upper()
            index[key] = {"serverRelativeURL": f"/openapi/v3/{key}?hash={digest}"}
    return {"paths": index}


def openapi_v3_group(registry: ResourceRegistry, key: str) -> dict[str, Any] | None:
    paths: dict[str, Any] = {}
    for resource in registry:
        if _group_version_key(resource) == key:
            paths.update(_paths(resource))
    if not paths:
        return None
    return {
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": version_info()["gitVersion"]},
        "paths": paths,
        "components": {"schemas": {}},
    }
