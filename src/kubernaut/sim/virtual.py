"""Resources computed on request rather than stored: access and token reviews, and
metrics.k8s.io."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kubernaut.core.quantity import format_millicores
from kubernaut.sim.asgi import Request, Response, json_response
from kubernaut.sim.errors import ApiError, not_found
from kubernaut.sim.objects import Obj
from kubernaut.sim.physics.usage import Usage
from kubernaut.sim.resources import ResourceType
from kubernaut.sim.routing import ResourcePath
from kubernaut.sim.selectors import LabelSelector

if TYPE_CHECKING:
    from kubernaut.sim.cluster import Cluster

METRICS_WINDOW = "15s"


def access_review(cluster: Cluster, request: Request, user: str) -> Response:
    review = request.json()
    spec = review.get("spec") or {}
    attributes = spec.get("resourceAttributes")
    if attributes:
        resource = attributes.get("resource", "")
        if attributes.get("subresource"):
            resource = f"{resource}/{attributes['subresource']}"
        allowed, reason = cluster.access.decide(
            user,
            attributes.get("verb", ""),
            attributes.get("group", ""),
            resource,
            attributes.get("namespace", ""),
        )
    elif spec.get("nonResourceAttributes"):
        allowed, reason = True, "non-resource URLs are open in the simulator"
    else:
        raise ApiError(
            422,
            "SelfSubjectAccessReview.authorization.k8s.io is invalid: spec: exactly one of "
            "resourceAttributes or nonResourceAttributes must be set",
        )
    review["status"] = {"allowed": allowed, "reason": reason}
    if not allowed:
        review["status"]["denied"] = True
    review.setdefault("metadata", {})["creationTimestamp"] = None
    review["apiVersion"] = "authorization.k8s.io/v1"
    review["kind"] = "SelfSubjectAccessReview"
    return json_response(review, 201)


def token_review(tokens: dict[str, str], request: Request) -> Response:
    """Authenticates ``spec.token`` against the simulator's own bearer tokens."""
    review = request.json()
    token = str((review.get("spec") or {}).get("token") or "")
    user = tokens.get(token)
    review["status"] = (
        {"authenticated": True, "user": {"username": user, "groups": ["system:authenticated"]}}
        if user
        else {"authenticated": False, "error": "the token is not known to the simulator"}
    )
    review.setdefault("metadata", {})["creationTimestamp"] = None
    review["apiVersion"] = "authentication.k8s.io/v1"
    review["kind"] = "TokenReview"
    return json_response(review, 201)


def metrics(
    cluster: Cluster, request: Request, resource: ResourceType, path: ResourcePath
) -> Response:
    labels_text = request.param("labelSelector")
    labels = LabelSelector.parse(labels_text) if labels_text else None
    build: Callable[[Cluster, Obj], dict[str, Any] | None]
    if resource.kind == "PodMetrics":
        source = cluster.resource("v1", "Pod")
        build = _pod_metrics
    else:
        source = cluster.resource("v1", "Node")
        build = _node_metrics
    if path.name:
        obj = cluster.store.peek(source, path.namespace or "", path.name)
        item = build(cluster, obj) if obj is not None else None
        if item is None:
            raise not_found(resource.plural, path.name, resource.group)
        return json_response(item)
    items = []
    for obj in cluster.store.scan(source, path.namespace):
        if labels is not None and not labels.matches(obj["metadata"].get("labels")):
            continue
        item = build(cluster, obj)
        if item is not None:
            items.append(item)
    items.sort(key=lambda m: (m["metadata"].get("namespace", ""), m["metadata"]["name"]))
    return json_response(
        {
            "kind": f"{resource.kind}List",
            "apiVersion": "metrics.k8s.io/v1beta1",
            "metadata": {},
            "items": items,
        }
    )


def container_usage(cluster: Cluster, pod: Obj) -> dict[str, Usage]:
    """Usage of each running container; empty when the pod runs nothing."""
    return cluster.usage.pod_usage(pod)


def _pod_metrics(cluster: Cluster, pod: Obj) -> dict[str, Any] | None:
    usage = container_usage(cluster, pod)
    if not usage:
        return None
    return {
        "kind": "PodMetrics",
        "apiVersion": "metrics.k8s.io/v1beta1",
        "metadata": _metrics_meta(cluster, pod),
        "timestamp": cluster.clock.timestamp(),
        "window": METRICS_WINDOW,
        "containers": [{"name": name, "usage": _usage_dict(used)} for name, used in usage.items()],
    }


def _node_metrics(cluster: Cluster, node: Obj) -> dict[str, Any] | None:
    pods = cluster.resource("v1", "Pod")
    node_name = node["metadata"]["name"]
    cpu = 80 + zlib.crc32(node_name.encode()) % 40
    memory = 600 * 2**20
    for pod in cluster.store.scan(pods):
        if pod.get("spec", {}).get("nodeName") == node_name:
            for used in container_usage(cluster, pod).values():
                cpu += used.cpu_millicores
                memory += used.memory_bytes
    return {
        "kind": "NodeMetrics",
        "apiVersion": "metrics.k8s.io/v1beta1",
        "metadata": _metrics_meta(cluster, node),
        "timestamp": cluster.clock.timestamp(),
        "window": METRICS_WINDOW,
        "usage": _usage_dict(Usage(cpu, memory)),
    }


def _metrics_meta(cluster: Cluster, obj: Obj) -> dict[str, Any]:
    metadata = obj["metadata"]
    result: dict[str, Any] = {
        "name": metadata["name"],
        "creationTimestamp": cluster.clock.timestamp(),
        "labels": metadata.get("labels") or {},
    }
    if metadata.get("namespace"):
        result["namespace"] = metadata["namespace"]
    return result


def _usage_dict(used: Usage) -> dict[str, str]:
    return {
        "cpu": format_millicores(used.cpu_millicores)
        if used.cpu_millicores % 1000 == 0
        else f"{used.cpu_millicores * 1_000_000}n",
        "memory": f"{used.memory_bytes // 1024}Ki",
    }
