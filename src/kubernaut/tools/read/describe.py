"""``describe``: one object in depth, like ``kubectl describe``: the summary, container
details (command, env with credentials redacted, probes, mounts), volumes, what the
object relates to, and its last events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, Field

from kubernaut.kube import KubeClient
from kubernaut.tools.read import pod_state
from kubernaut.tools.read.container_specs import container_details, volume_text
from kubernaut.tools.read.events import object_events
from kubernaut.tools.read.fetch import get_object
from kubernaut.tools.read.kinds import Kind
from kubernaut.tools.read.quantities import byte_count, millicores, percent, readable_bytes
from kubernaut.tools.read.summaries import summarize
from kubernaut.tools.read.summaries.common import drop_empty, visible_annotations
from kubernaut.tools.read.summaries.events import summarize_event
from kubernaut.tools.read.summaries.pods import container_status
from kubernaut.tools.read.summaries.services import summarize_endpoints
from kubernaut.tools.read.summaries.workloads import revision_of
from kubernaut.tools.read.tooling import ReadContext, ReadToolSpec
from kubernaut.tools.read.workload_pods import owned_replicasets, pods_on_node, pods_using_claim

Obj = dict[str, Any]

EVENTS_SHOWN = 10
PODS_SHOWN = 30
_TEMPLATE_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}
_DEFAULT_TOLERATIONS = {"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"}

DESCRIPTION = (
    "Describe one object in depth, like `kubectl describe`: its summary plus, for pods "
    "and workloads, each container's image, command/args, environment (literal values "
    "that look like credentials are redacted; values from Secrets/ConfigMaps are shown as "
    "references such as 'secretKeyRef orders-db/password', never read), envFrom sources, "
    "probes, volume mounts, resources; the volumes and claims; node, conditions; a "
    "Deployment's ReplicaSets; a Node's pods and allocated requests; a PVC's pods; a "
    "Service's endpoints; and the object's last 10 events. Use it after get_resources "
    "when you need the configuration behind a symptom."
)


class DescribeArgs(BaseModel):
    kind: str = Field(description="Kind, e.g. Pod, Deployment, Node, pvc, hpa.")
    namespace: str = Field(
        default="",
        description="Namespace; empty for cluster-scoped kinds (or to search all namespaces).",
    )
    name: str = Field(description="The object's name.")


async def describe(context: ReadContext, args: DescribeArgs) -> Any:
    kind = await context.kind(args.kind)
    obj = await context.find(kind, args.namespace, args.name)
    namespace = (obj.get("metadata") or {}).get("namespace")
    out = summarize(obj)
    out.update(await _details(context.client, obj))
    metadata = obj.get("metadata") or {}
    out.update(
        drop_empty(
            {
                "created": metadata.get("creationTimestamp"),
                "labels": dict(metadata.get("labels") or {}),
                "annotations": visible_annotations(obj),
            }
        )
    )
    found = await object_events(context.client, kind, namespace, args.name)
    out["events"] = [summarize_event(event) for event in found[-EVENTS_SHOWN:]] or "none"
    return out


async def _details(client: KubeClient, obj: Obj) -> Obj:
    kind = obj.get("kind")
    if kind == "Pod":
        return _pod_details(obj)
    if kind in _TEMPLATE_KINDS:
        details = _template_details(((obj.get("spec") or {}).get("template")) or {})
        if kind == "Deployment":
            details["replica_sets"] = await _replica_sets(client, obj)
        return details
    if kind == "Node":
        return await _node_details(client, obj)
    if kind == "PersistentVolumeClaim":
        metadata = obj.get("metadata") or {}
        pods = await pods_using_claim(
            client, metadata.get("namespace", ""), metadata.get("name", "")
        )
        return {"used_by": [pod["metadata"]["name"] for pod in pods] or "no pods"}
    if kind == "Service":
        return await _service_details(client, obj)
    return {}


def _pod_details(pod: Obj) -> Obj:
    spec = pod.get("spec") or {}
    statuses = {entry.get("name"): entry for entry in pod_state.container_statuses(pod)}

    def merged(container: Obj) -> Obj:
        details = container_details(container)
        status = container_status(statuses.get(container.get("name")))
        return {
            "name": details.pop("name", None),
            "image": details.pop("image", None),
            **status,
            **details,
        }

    return drop_empty(
        {
            "init_containers": [merged(c) for c in spec.get("initContainers") or []],
            "containers": [merged(c) for c in spec.get("containers") or []],
            "volumes": [volume_text(volume) for volume in spec.get("volumes") or []],
            "qos_class": (pod.get("status") or {}).get("qosClass"),
            "node_selector": dict(spec.get("nodeSelector") or {}),
            "tolerations": _tolerations(spec.get("tolerations") or []),
            "service_account": spec.get("serviceAccountName"),
        }
    )


def _template_details(template: Obj) -> Obj:
    spec = template.get("spec") or {}
    return drop_empty(
        {
            "containers": [container_details(c) for c in spec.get("containers") or []],
            "init_containers": [container_details(c) for c in spec.get("initContainers") or []],
            "volumes": [volume_text(volume) for volume in spec.get("volumes") or []],
            "node_selector": dict(spec.get("nodeSelector") or {}),
            "tolerations": _tolerations(spec.get("tolerations") or []),
        }
    )


async def _replica_sets(client: KubeClient, deployment: Obj) -> list[str]:
    current = revision_of(deployment)
    lines = []
    for replicaset in await owned_replicasets(client, deployment):
        spec, status = replicaset.get("spec") or {}, replicaset.get("status") or {}
        revision = revision_of(replicaset)
        marker = " (current)" if revision == current else ""
        images = ", ".join(
            str(c.get("image"))
            for c in ((spec.get("template") or {}).get("spec") or {}).get("containers") or []
        )
        ready = f"{int(status.get('readyReplicas') or 0)}/{int(spec.get('replicas') or 0)}"
        lines.append(
            f"{replicaset['metadata']['name']} revision {revision}{marker}: {ready} ready, {images}"
        )
    return lines


async def _node_details(client: KubeClient, node: Obj) -> Obj:
    pods = [
        pod
        for pod in await pods_on_node(client, node["metadata"]["name"])
        if not pod_state.is_finished(pod)
    ]
    allocatable = (node.get("status") or {}).get("allocatable") or {}
    cpu = sum(_requested(pod, "cpu", millicores) for pod in pods)
    memory = sum(_requested(pod, "memory", byte_count) for pod in pods)
    cpu_share = percent(cpu, millicores(allocatable.get("cpu")))
    memory_share = percent(memory, byte_count(allocatable.get("memory")))
    shown = [
        f"{pod_state.qualified_name(pod)}: {pod_state.status_text(pod)}"
        for pod in pods[:PODS_SHOWN]
    ]
    if len(pods) > PODS_SHOWN:
        shown.append(f"... {len(pods) - PODS_SHOWN} more")
    return {
        "allocated_requests": {
            "cpu": f"{cpu}m" + (f" ({cpu_share} of allocatable)" if cpu_share else ""),
            "memory": readable_bytes(memory)
            + (f" ({memory_share} of allocatable)" if memory_share else ""),
        },
        "pods": shown or "none",
    }


async def _service_details(client: KubeClient, service: Obj) -> Obj:
    metadata = service.get("metadata") or {}
    endpoints = await get_object(
        client,
        Kind("v1", "Endpoints", namespaced=True),
        metadata.get("namespace"),
        metadata.get("name", ""),
    )
    if endpoints is None:
        return {"endpoints": "none (no Endpoints object)"}
    summary = summarize_endpoints(endpoints)
    return {
        "endpoints": {
            key: value for key, value in summary.items() if key not in ("kind", "name", "namespace")
        }
    }


def _requested(pod: Obj, resource: str, parse: Callable[[object], int | None]) -> int:
    total = 0
    for container in (pod.get("spec") or {}).get("containers") or []:
        value = parse(((container.get("resources") or {}).get("requests") or {}).get(resource))
        total += value or 0
    return total


def _tolerations(tolerations: list[Obj]) -> list[str]:
    lines = []
    for toleration in tolerations:
        if (
            toleration.get("key") in _DEFAULT_TOLERATIONS
            and toleration.get("tolerationSeconds") == 300
        ):
            continue
        value = f"={toleration['value']}" if toleration.get("value") else ""
        effect = f":{toleration['effect']}" if toleration.get("effect") else ""
        key = toleration.get("key") or "(all taints)"
        lines.append(f"{key}{value}{effect} {toleration.get('operator', 'Equal')}")
    return lines


SPEC = ReadToolSpec("describe", DESCRIPTION, DescribeArgs, describe)
