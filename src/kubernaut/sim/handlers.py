"""The REST verbs on stored resources: get, list, create, update, patch, delete, watch."""

from __future__ import annotations

import base64
from typing import Any

import orjson

from kubernaut.sim.asgi import Request, Response, StreamResponse, json_response
from kubernaut.sim.cluster import Cluster
from kubernaut.sim.errors import ApiError
from kubernaut.sim.objects import Obj
from kubernaut.sim.resources import ResourceType, printer_columns
from kubernaut.sim.routing import ResourcePath
from kubernaut.sim.selectors import FieldSelector, LabelSelector
from kubernaut.sim.store import Store
from kubernaut.sim.tables import render_table
from kubernaut.sim.watching import stream_watch

_WRITE_STATUS = {"create": 201}


def wants_table(request: Request) -> bool:
    return "as=Table" in request.headers.get("accept", "")


def selectors(request: Request) -> tuple[LabelSelector | None, FieldSelector | None]:
    label_text = request.param("labelSelector")
    field_text = request.param("fieldSelector")
    return (
        LabelSelector.parse(label_text) if label_text else None,
        FieldSelector.parse(field_text) if field_text else None,
    )


def is_dry_run(request: Request) -> bool:
    """``dryRun=All`` as a query parameter, or in a DELETE's ``DeleteOptions`` body."""
    values = list(request.query.get("dryRun", []))
    if request.method == "DELETE" and request.body:
        values.extend(request.json().get("dryRun") or [])
    for value in values:
        if value != "All":
            raise ApiError(400, f'unsupported dry run value "{value}": only "All" is supported')
    return bool(values)


class ResourceHandlers:
    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster

    @property
    def store(self) -> Store:
        return self.cluster.store

    def get(self, request: Request, resource: ResourceType, path: ResourcePath) -> Response:
        assert path.name is not None
        obj = self.store.get(resource, path.namespace or "", path.name)
        return self.render(request, resource, [obj], single=True)

    def list_or_watch(
        self, request: Request, resource: ResourceType, path: ResourcePath
    ) -> Response | StreamResponse:
        labels, fields = selectors(request)
        if path.legacy_watch or request.flag("watch"):
            return stream_watch(self.cluster, request, resource, path.namespace, labels, fields)
        items = self.store.select(resource, path.namespace, labels=labels, fields=fields)
        resource_version = str(self.store.resource_version)
        items, continue_token, remaining = _paginate(
            items, request.param("limit"), request.param("continue"), resource_version
        )
        if wants_table(request):
            table = render_table(
                resource.kind,
                items,
                now=self.cluster.clock.now(),
                include_object=request.param("includeObject") or "Metadata",
                printer_columns=printer_columns(resource),
                resource_version=resource_version,
                continue_token=continue_token,
            )
            return json_response(table)
        list_meta: dict[str, Any] = {"resourceVersion": resource_version}
        if continue_token:
            list_meta["continue"] = continue_token
            list_meta["remainingItemCount"] = remaining
        return json_response(
            {
                "kind": f"{resource.kind}List",
                "apiVersion": resource.api_version,
                "metadata": list_meta,
                "items": items,
            }
        )

    def create(self, request: Request, resource: ResourceType, path: ResourcePath) -> Response:
        body = request.json()
        metadata = body.setdefault("metadata", {})
        if resource.namespaced:
            if metadata.get("namespace") and metadata["namespace"] != path.namespace:
                raise ApiError(
                    400,
                    "the namespace of the provided object does not match the namespace sent on "
                    "the request",
                )
            metadata["namespace"] = path.namespace
        _check_type(body, resource)
        created = self.store.create(resource, body, dry_run=is_dry_run(request))
        return json_response(created, 201)

    def update(self, request: Request, resource: ResourceType, path: ResourcePath) -> Response:
        assert path.name is not None
        body = request.json()
        metadata = body.setdefault("metadata", {})
        if metadata.get("name") and metadata["name"] != path.name:
            raise ApiError(
                400,
                "the name of the object does not match the name on the URL",
                reason="BadRequest",
            )
        metadata["name"] = path.name
        if resource.namespaced:
            metadata["namespace"] = path.namespace
        _check_type(body, resource)
        updated = self.store.update(
            resource, body, subresource=path.subresource, dry_run=is_dry_run(request)
        )
        return json_response(updated)

    def patch(self, request: Request, resource: ResourceType, path: ResourcePath) -> Response:
        assert path.name is not None
        patched = self.store.patch(
            resource,
            path.namespace or "",
            path.name,
            request.body,
            request.headers.get("content-type", ""),
            subresource=path.subresource,
            dry_run=is_dry_run(request),
        )
        return json_response(patched)

    def delete(self, request: Request, resource: ResourceType, path: ResourcePath) -> Response:
        assert path.name is not None
        options = _delete_options(request)
        obj, gone = self.store.delete(
            resource,
            path.namespace or "",
            path.name,
            propagation=options.get("propagationPolicy"),
            preconditions=options.get("preconditions"),
            grace_period=options.get("gracePeriodSeconds"),
            dry_run=is_dry_run(request),
        )
        return json_response(obj, 200 if gone else 202)

    def delete_collection(
        self, request: Request, resource: ResourceType, path: ResourcePath
    ) -> Response:
        labels, fields = selectors(request)
        options = _delete_options(request)
        dry_run = is_dry_run(request)
        deleted = []
        for obj in self.store.select(resource, path.namespace, labels=labels, fields=fields):
            removed, _ = self.store.delete(
                resource,
                obj["metadata"].get("namespace", ""),
                obj["metadata"]["name"],
                propagation=options.get("propagationPolicy"),
                grace_period=options.get("gracePeriodSeconds"),
                dry_run=dry_run,
            )
            deleted.append(removed)
        return json_response(
            {
                "kind": f"{resource.kind}List",
                "apiVersion": resource.api_version,
                "metadata": {"resourceVersion": str(self.store.resource_version)},
                "items": deleted,
            }
        )

    def render(
        self, request: Request, resource: ResourceType, objects: list[Obj], *, single: bool
    ) -> Response:
        if wants_table(request):
            return json_response(
                render_table(
                    resource.kind,
                    objects,
                    now=self.cluster.clock.now(),
                    include_object=request.param("includeObject") or "Metadata",
                    printer_columns=printer_columns(resource),
                    resource_version=str(self.store.resource_version),
                )
            )
        return json_response(objects[0] if single else objects)


def _check_type(body: Obj, resource: ResourceType) -> None:
    api_version = body.get("apiVersion")
    kind = body.get("kind")
    if api_version and api_version != resource.api_version:
        raise ApiError(
            400,
            f"the API version in the data ({api_version}) does not match the expected API "
            f"version ({resource.api_version})",
        )
    if kind and kind != resource.kind:
        raise ApiError(
            400, f"the kind in the data ({kind}) does not match the expected kind ({resource.kind})"
        )


def _delete_options(request: Request) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if request.body:
        options = request.json()
    if request.param("propagationPolicy"):
        options["propagationPolicy"] = request.param("propagationPolicy")
    grace = request.param("gracePeriodSeconds")
    if grace is not None:
        try:
            options["gracePeriodSeconds"] = int(grace)
        except ValueError:
            raise ApiError(400, f"gracePeriodSeconds must be an integer, got {grace!r}") from None
    policy = options.get("propagationPolicy")
    if policy not in (None, "Foreground", "Background", "Orphan"):
        raise ApiError(
            400,
            f'propagationPolicy "{policy}" is not supported: use Foreground, Background or Orphan',
        )
    if options.get("orphanDependents") is True:
        options["propagationPolicy"] = "Orphan"
    return options


def _paginate(
    items: list[Obj], limit_text: str | None, token: str | None, resource_version: str
) -> tuple[list[Obj], str | None, int]:
    start = 0
    if token:
        try:
            decoded = orjson.loads(base64.urlsafe_b64decode(token.encode()))
            start = int(decoded["start"])
        except (ValueError, KeyError, TypeError, orjson.JSONDecodeError):
            raise ApiError(400, "the continue token is not valid", reason="BadRequest") from None
    try:
        limit = int(limit_text) if limit_text else 0
    except ValueError:
        raise ApiError(400, f"limit must be an integer, got {limit_text!r}") from None
    if limit <= 0:
        return items[start:], None, 0
    page = items[start : start + limit]
    remaining = len(items) - start - len(page)
    if remaining <= 0:
        return page, None, 0
    next_token = base64.urlsafe_b64encode(
        orjson.dumps({"start": start + limit, "rv": resource_version})
    ).decode()
    return page, next_token, remaining
