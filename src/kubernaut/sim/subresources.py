"""Subresources with their own semantics: scale, log, eviction, binding."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from kubernaut.sim.asgi import Request, Response, StreamResponse, json_response, text_response
from kubernaut.sim.errors import ApiError, conflict
from kubernaut.sim.handlers import is_dry_run
from kubernaut.sim.objects import Obj, deep_copy
from kubernaut.sim.patching import apply_patch
from kubernaut.sim.resources import ResourceType, ScaleSpec
from kubernaut.sim.routing import ResourcePath
from kubernaut.sim.selectors import LabelSelector

if TYPE_CHECKING:
    from kubernaut.sim.cluster import Cluster

_LOG_POLL_SECONDS = 0.2


# -- scale ------------------------------------------------------------------------------


def _read_path(obj: Obj, path: str) -> Any:
    value: Any = obj
    for part in path.strip(".").split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _write_path(obj: Obj, path: str, value: Any) -> None:
    parts = path.strip(".").split(".")
    target = obj
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    target[parts[-1]] = value


def _scale_of(resource: ResourceType, obj: Obj) -> Obj:
    spec = resource.scale or ScaleSpec()
    if spec.label_selector_path is None:
        selector = str(LabelSelector.from_spec(obj.get("spec", {}).get("selector")))
    else:
        selector = _read_path(obj, spec.label_selector_path) or ""
    metadata = obj["metadata"]
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            key: metadata[key]
            for key in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
            if key in metadata
        },
        "spec": {"replicas": int(_read_path(obj, spec.spec_replicas_path) or 0)},
        "status": {
            "replicas": int(_read_path(obj, spec.status_replicas_path) or 0),
            "selector": selector,
        },
    }


def scale(
    cluster: Cluster, request: Request, resource: ResourceType, path: ResourcePath
) -> Response:
    assert path.name is not None
    store = cluster.store
    current = store.get(resource, path.namespace or "", path.name)
    scale_obj = _scale_of(resource, current)
    if request.method == "GET":
        return json_response(scale_obj)
    if request.method == "PUT":
        wanted = request.json()
    elif request.method == "PATCH":
        wanted = apply_patch(
            scale_obj, request.body, request.headers.get("content-type", ""), kind="Scale"
        )
    else:
        raise ApiError(405, f"{request.method} is not supported on the scale subresource")
    wanted_rv = (wanted.get("metadata") or {}).get("resourceVersion")
    if wanted_rv and wanted_rv != current["metadata"]["resourceVersion"]:
        raise conflict(resource.plural, path.name, resource.group)
    replicas = (wanted.get("spec") or {}).get("replicas")
    if not isinstance(replicas, int) or replicas < 0:
        raise ApiError(
            422,
            f'Scale.autoscaling "{path.name}" is invalid: spec.replicas: Invalid value: '
            f"{replicas!r}: must be greater than or equal to 0",
            details={"causes": [{"field": "spec.replicas", "message": "must be >= 0"}]},
        )
    updated = deep_copy(current)
    _write_path(updated, (resource.scale or ScaleSpec()).spec_replicas_path, replicas)
    stored = store.update(resource, updated, dry_run=is_dry_run(request))
    return json_response(_scale_of(resource, stored))


# -- log --------------------------------------------------------------------------------


def pod_log(
    cluster: Cluster, request: Request, resource: ResourceType, path: ResourcePath
) -> Response | StreamResponse:
    assert path.name is not None
    namespace = path.namespace or ""
    pod = cluster.store.get(resource, namespace, path.name)
    container = _log_container(pod, request.param("container"))
    previous = request.flag("previous")
    key = (namespace, path.name, container)
    lines = cluster.logs.read(key, previous=previous)
    if lines is None:
        if previous:
            raise ApiError(
                400, f'previous terminated container "{container}" in pod "{path.name}" not found'
            )
        reason = _waiting_reason(pod, container) or "ContainerCreating"
        raise ApiError(
            400, f'container "{container}" in pod "{path.name}" is waiting to start: {reason}'
        )
    timestamps = request.flag("timestamps")
    tail = _int_param(request, "tailLines")
    if tail is not None:
        lines = lines[-tail:] if tail > 0 else []
    text = "".join(_log_line(stamp, line, timestamps) for stamp, line in lines)
    limit = _int_param(request, "limitBytes")
    if limit is not None:
        text = text.encode()[:limit].decode(errors="ignore")
    if not request.flag("follow") or previous:
        return text_response(text)
    return StreamResponse(
        200,
        _follow(cluster, request, key, len(cluster.logs.read(key) or []), text, timestamps),
        content_type="text/plain",
    )


async def _follow(
    cluster: Cluster,
    request: Request,
    key: tuple[str, str, str],
    seen: int,
    first: str,
    timestamps: bool,
) -> AsyncIterator[bytes]:
    yield first.encode()
    disconnected = asyncio.ensure_future(request.disconnected())
    try:
        while not disconnected.done():
            await asyncio.wait({disconnected}, timeout=_LOG_POLL_SECONDS)
            lines = cluster.logs.read(key)
            if lines is None or len(lines) < seen:
                return
            for stamp, line in lines[seen:]:
                yield _log_line(stamp, line, timestamps).encode()
            seen = len(lines)
    finally:
        disconnected.cancel()


def _log_line(stamp: str, line: str, timestamps: bool) -> str:
    return f"{stamp} {line}\n" if timestamps else f"{line}\n"


def _log_container(pod: Obj, requested: str | None) -> str:
    names = [c["name"] for c in pod.get("spec", {}).get("containers") or []]
    init_names = [c["name"] for c in pod.get("spec", {}).get("initContainers") or []]
    name = pod["metadata"]["name"]
    if requested:
        if requested not in names and requested not in init_names:
            raise ApiError(400, f"container {requested} is not valid for pod {name}")
        return requested
    default = (pod["metadata"].get("annotations") or {}).get(
        "kubectl.kubernetes.io/default-container"
    )
    if default in names:
        return str(default)
    if len(names) == 1:
        return str(names[0])
    raise ApiError(
        400,
        f"a container name must be specified for pod {name}, choose one of: [{' '.join(names)}]",
    )


def _waiting_reason(pod: Obj, container: str) -> str | None:
    for status in pod.get("status", {}).get("containerStatuses") or []:
        if status.get("name") == container:
            waiting = (status.get("state") or {}).get("waiting")
            if waiting:
                return str(waiting.get("reason", "ContainerCreating"))
    return None


def _int_param(request: Request, name: str) -> int | None:
    text = request.param(name)
    if text is None or text == "":
        return None
    try:
        return int(text)
    except ValueError:
        raise ApiError(400, f"{name} must be an integer, got {text!r}") from None


# -- eviction and binding ---------------------------------------------------------------


def evict(
    cluster: Cluster, request: Request, resource: ResourceType, path: ResourcePath
) -> Response:
    """Delete a pod unless a PodDisruptionBudget covering it allows no disruption now."""
    assert path.name is not None
    namespace = path.namespace or ""
    pod = cluster.store.get(resource, namespace, path.name)
    body = request.json() if request.body else {}
    dry_run = is_dry_run(request) or "All" in (
        (body.get("deleteOptions") or {}).get("dryRun") or []
    )
    budgets = cluster.resource("policy/v1", "PodDisruptionBudget")
    labels = pod["metadata"].get("labels") or {}
    for pdb in cluster.store.scan(budgets, namespace):
        if not LabelSelector.from_spec(pdb.get("spec", {}).get("selector")).matches(labels):
            continue
        status = pdb.get("status") or {}
        if int(status.get("disruptionsAllowed", 0)) < 1:
            needed = status.get("desiredHealthy", 0)
            healthy = status.get("currentHealthy", 0)
            raise ApiError(
                429,
                "Cannot evict pod as it would violate the pod's disruption budget.",
                reason="TooManyRequests",
                details={
                    "causes": [
                        {
                            "reason": "DisruptionBudget",
                            "message": f"The disruption budget {pdb['metadata']['name']} needs "
                            f"{needed} healthy pods and has {healthy} currently",
                        }
                    ]
                },
            )
        if not dry_run:
            cluster.store.mutate(budgets, namespace, pdb["metadata"]["name"], _spend_disruption)
    grace = (body.get("deleteOptions") or {}).get("gracePeriodSeconds")
    cluster.store.delete(resource, namespace, path.name, grace_period=grace, dry_run=dry_run)
    return json_response(
        {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201},
        201,
    )


def _spend_disruption(pdb: Obj) -> None:
    status = pdb.setdefault("status", {})
    status["disruptionsAllowed"] = max(int(status.get("disruptionsAllowed", 0)) - 1, 0)


def bind(
    cluster: Cluster, request: Request, resource: ResourceType, path: ResourcePath
) -> Response:
    assert path.name is not None
    target = (request.json().get("target") or {}).get("name")
    if not target:
        raise ApiError(400, "a binding needs target.name, the node to bind to")
    pod = cluster.store.get(resource, path.namespace or "", path.name)
    if pod.get("spec", {}).get("nodeName"):
        raise ApiError(
            409, f'pod {path.name} is already assigned to node "{pod["spec"]["nodeName"]}"'
        )
    if not is_dry_run(request):
        cluster.store.mutate(
            resource,
            path.namespace or "",
            path.name,
            lambda p: p["spec"].__setitem__("nodeName", target),
        )
    return json_response(
        {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201},
        201,
    )
