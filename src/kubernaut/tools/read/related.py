"""``related_objects``: an object's owner chain and its neighbourhood (Services with
their endpoints, HPAs, PVCs, nodes, ConfigMaps, PodDisruptionBudgets; a Node's pods;
a PVC's pods; a Service's endpoints)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from kubernaut.kube import KubeClient
from kubernaut.tools.read import pod_state
from kubernaut.tools.read.events import object_events
from kubernaut.tools.read.fetch import get_object, list_objects
from kubernaut.tools.read.kinds import Kind
from kubernaut.tools.read.ownership import owner_chain
from kubernaut.tools.read.selectors import matches, selector_string
from kubernaut.tools.read.summaries.common import owner_text
from kubernaut.tools.read.summaries.events import sort_key, summarize_event
from kubernaut.tools.read.summaries.nodes import abnormal_conditions, node_ready
from kubernaut.tools.read.summaries.services import endpoint_addresses
from kubernaut.tools.read.tooling import ReadContext, ReadToolSpec
from kubernaut.tools.read.volume_stats import volume_stats
from kubernaut.tools.read.workload_pods import WORKLOAD_KINDS, claims_of, pods_of, pods_using_claim

Obj = dict[str, Any]

SERVICE = Kind("v1", "Service", namespaced=True)
ENDPOINTS = Kind("v1", "Endpoints", namespaced=True)
HPA = Kind("autoscaling/v2", "HorizontalPodAutoscaler", namespaced=True)
CLAIM = Kind("v1", "PersistentVolumeClaim", namespaced=True)
NODE = Kind("v1", "Node", namespaced=False)
CONFIG_MAP = Kind("v1", "ConfigMap", namespaced=True)
PDB = Kind("policy/v1", "PodDisruptionBudget", namespaced=True)
PODS_SHOWN = 20
WARNINGS_SHOWN = 5

DESCRIPTION = (
    "Show what an object is connected to. Owner chain up to the top-level owner (Pod -> "
    "ReplicaSet -> Deployment). For a workload or pod: its pods (status, restarts, why "
    "they last terminated, node) "
    "and their latest Warning events (FailedScheduling, BackOff, Unhealthy...), "
    "the Services selecting them with ready/not-ready endpoint counts, HPAs targeting the "
    "workload, PVCs its pods mount (phase, capacity, how full), the nodes they run on "
    "(with abnormal conditions), the ConfigMaps and Secrets it references (ConfigMap keys "
    "listed, missing ones flagged; Secrets only named) and PodDisruptionBudgets. For a "
    "Node: the pods on it. For a PVC: the pods using it. For a Service: its endpoints. "
    "Use it to see the blast radius and where else a symptom shows."
)


class RelatedObjectsArgs(BaseModel):
    kind: str = Field(
        description="Kind, e.g. Pod, Deployment, Node, PersistentVolumeClaim, Service."
    )
    namespace: str = Field(
        default="",
        description="Namespace; empty for cluster-scoped kinds (or to search all namespaces).",
    )
    name: str = Field(description="The object's name.")


async def related_objects(context: ReadContext, args: RelatedObjectsArgs) -> Any:
    kind = await context.kind(args.kind)
    obj = await context.find(kind, args.namespace, args.name)
    client = context.client
    out: Obj = {"object": _ref(obj)}
    chain = await owner_chain(client, obj)
    out["owners"] = [
        f"{owner.ref}" + ("" if owner.obj is not None else " (no longer exists)") for owner in chain
    ] or "none: this is a top-level object"
    top = obj
    for owner in chain:
        if owner.obj is None:
            break
        top = owner.obj
    if top is not obj:
        out["top_owner"] = _ref(top)
    top_kind = top.get("kind")
    if top_kind == "Node":
        out["pods"] = _pod_lines(await pods_of(client, top), with_namespace=True)
    elif top_kind == "PersistentVolumeClaim":
        out.update(await _claim_relations(client, top))
    elif top_kind == "Service":
        out.update(await _service_relations(client, top))
    elif top_kind == "HorizontalPodAutoscaler":
        out.update(await _hpa_relations(client, top))
    elif top_kind in WORKLOAD_KINDS or top_kind == "Pod" or top_kind == "CronJob":
        out.update(await _workload_relations(client, top))
    return out


async def _workload_relations(client: KubeClient, workload: Obj) -> Obj:
    namespace = workload["metadata"].get("namespace")
    pods = [pod for pod in await pods_of(client, workload) if not pod_state.is_finished(pod)]
    template = (workload.get("spec") or {}).get("template") or workload
    label_sets = [(pod["metadata"].get("labels") or {}) for pod in pods] or [
        (template.get("metadata") or {}).get("labels") or {}
    ]
    out: Obj = {"pods": _pod_lines(pods, with_namespace=False)}
    out["pod_warnings"] = await _pod_warnings(client, namespace, pods)
    out["services"] = await _services(client, namespace, label_sets)
    out["hpas"] = await _hpas(client, workload)
    out["pvcs"] = await _claims(client, namespace, pods)
    out["nodes"] = await _nodes(client, pods)
    out["config"] = await _config_refs(client, namespace, pods or [template])
    out["pdbs"] = await _pdbs(client, namespace, label_sets)
    return {key: value for key, value in out.items() if value}


async def _pod_warnings(client: KubeClient, namespace: str | None, pods: list[Obj]) -> list[str]:
    """The newest Warning event of each reason about the pods (FailedScheduling, BackOff,
    Unhealthy, Failed ...), oldest first: what the pods' own events would show."""
    names = {pod["metadata"]["name"] for pod in pods}
    newest: dict[str, Obj] = {}
    for event in await object_events(client, None, namespace, None, warnings_only=True):
        involved = event.get("involvedObject") or {}
        if involved.get("kind") == "Pod" and involved.get("name") in names:
            newest[str(event.get("reason"))] = event
    lines = []
    for event in sorted(newest.values(), key=sort_key)[-WARNINGS_SHOWN:]:
        summary = summarize_event(event)
        lines.append(
            f"{summary.get('reason')} x{summary['count']} on {summary['object']} "
            f"(last {summary.get('last')}): {summary.get('message', '')}"
        )
    return lines


async def _services(
    client: KubeClient, namespace: str | None, label_sets: list[dict[str, Any]]
) -> list[str]:
    lines = []
    for service in await list_objects(client, SERVICE, namespace):
        selector = (service.get("spec") or {}).get("selector") or {}
        if not any(matches(selector, labels) for labels in label_sets):
            continue
        lines.append(await _service_line(client, service))
    return lines


async def _service_line(client: KubeClient, service: Obj) -> str:
    name = service["metadata"]["name"]
    endpoints = await get_object(client, ENDPOINTS, service["metadata"].get("namespace"), name)
    if endpoints is None:
        return f"Service {name}: no Endpoints object"
    ready, not_ready = endpoint_addresses(endpoints)
    return f"Service {name}: {len(ready)} ready endpoints, {len(not_ready)} not ready"


async def _hpas(client: KubeClient, workload: Obj) -> list[str]:
    lines = []
    for hpa in await list_objects(client, HPA, workload["metadata"].get("namespace")):
        spec, status = hpa.get("spec") or {}, hpa.get("status") or {}
        target = spec.get("scaleTargetRef") or {}
        if (
            target.get("kind") != workload.get("kind")
            or target.get("name") != workload["metadata"]["name"]
        ):
            continue
        limited = [
            entry
            for entry in status.get("conditions") or []
            if entry.get("type") == "ScalingLimited" and entry.get("status") == "True"
        ]
        line = (
            f"HorizontalPodAutoscaler {hpa['metadata']['name']}: "
            f"{status.get('currentReplicas', 0)} replicas "
            f"(min {spec.get('minReplicas', 1)}, max {spec.get('maxReplicas')})"
        )
        if limited:
            line += f", ScalingLimited: {limited[0].get('reason', '')}"
        lines.append(line)
    return lines


async def _claims(client: KubeClient, namespace: str | None, pods: list[Obj]) -> list[str]:
    names = sorted({claim for pod in pods for claim in claims_of(pod)})
    if not names:
        return []
    nodes = pod_state.nodes_of(pods)
    stats = await volume_stats(client, nodes)
    lines = []
    for name in names:
        claim = await get_object(client, CLAIM, namespace, name)
        if claim is None:
            lines.append(f"PersistentVolumeClaim {name}: missing")
            continue
        status = claim.get("status") or {}
        line = (
            f"PersistentVolumeClaim {name}: {status.get('phase', 'Unknown')}, capacity "
            f"{(status.get('capacity') or {}).get('storage', 'unknown')}"
        )
        found = stats.get((namespace or "", name))
        if found is not None:
            line += f", {found.usage_text}"
        lines.append(line)
    return lines


async def _nodes(client: KubeClient, pods: list[Obj]) -> list[str]:
    names = sorted(pod_state.nodes_of(pods))
    lines = []
    for name in names:
        node = await get_object(client, NODE, None, name)
        if node is None:
            lines.append(f"Node {name}: missing")
            continue
        line = f"Node {name}: Ready={node_ready(node)}"
        if (node.get("spec") or {}).get("unschedulable"):
            line += ", unschedulable (cordoned)"
        problems = [
            problem for problem in abnormal_conditions(node) if not problem.startswith("Ready=")
        ]
        if problems:
            line += "; " + "; ".join(problems)
        lines.append(line)
    return lines


async def _config_refs(client: KubeClient, namespace: str | None, holders: list[Obj]) -> list[str]:
    config_maps: dict[str, set[str]] = {}
    secrets: set[str] = set()
    for holder in holders:
        for container in _containers(holder):
            for entry in container.get("env") or []:
                source = entry.get("valueFrom") or {}
                if "configMapKeyRef" in source:
                    ref = source["configMapKeyRef"] or {}
                    config_maps.setdefault(str(ref.get("name")), set()).add(str(ref.get("key")))
                if "secretKeyRef" in source:
                    secrets.add(str((source["secretKeyRef"] or {}).get("name")))
            for entry in container.get("envFrom") or []:
                if "configMapRef" in entry:
                    config_maps.setdefault(str((entry["configMapRef"] or {}).get("name")), set())
                if "secretRef" in entry:
                    secrets.add(str((entry["secretRef"] or {}).get("name")))
        for volume in (holder.get("spec") or {}).get("volumes") or []:
            if "configMap" in volume:
                config_maps.setdefault(str((volume["configMap"] or {}).get("name")), set())
            if "secret" in volume:
                secrets.add(str((volume["secret"] or {}).get("secretName")))
    lines = []
    for name, keys in sorted(config_maps.items()):
        found = await get_object(client, CONFIG_MAP, namespace, name)
        if found is None:
            lines.append(f"ConfigMap {name}: MISSING")
            continue
        present = sorted([*(found.get("data") or {}), *(found.get("binaryData") or {})])
        line = f"ConfigMap {name}: keys {', '.join(present) or '(none)'}"
        absent = sorted(keys - set(present))
        if absent:
            line += f"; referenced keys MISSING: {', '.join(absent)}"
        lines.append(line)
    lines.extend(f"Secret {name}: referenced (contents never read)" for name in sorted(secrets))
    return lines


async def _pdbs(
    client: KubeClient, namespace: str | None, label_sets: list[dict[str, Any]]
) -> list[str]:
    lines = []
    for pdb in await list_objects(client, PDB, namespace):
        selector = (pdb.get("spec") or {}).get("selector") or {}
        match_labels = selector.get("matchLabels") or {}
        if selector.get("matchExpressions") or not any(
            matches(match_labels, labels) for labels in label_sets
        ):
            continue
        status = pdb.get("status") or {}
        lines.append(
            f"PodDisruptionBudget {pdb['metadata']['name']}: {status.get('disruptionsAllowed', 0)} "
            f"disruptions allowed ({status.get('currentHealthy', 0)} healthy, "
            f"{status.get('desiredHealthy', 0)} needed)"
        )
    return lines


async def _claim_relations(client: KubeClient, claim: Obj) -> Obj:
    metadata = claim["metadata"]
    pods = await pods_using_claim(client, metadata.get("namespace", ""), metadata["name"])
    out: Obj = {"used_by": _pod_lines(pods, with_namespace=False) or "no pods"}
    nodes = pod_state.nodes_of(pods)
    found = (await volume_stats(client, nodes)).get(
        (metadata.get("namespace", ""), metadata["name"])
    )
    if found is not None:
        out["volume_usage"] = found.usage_text
    volume = (claim.get("spec") or {}).get("volumeName")
    if volume:
        out["volume"] = f"PersistentVolume {volume}"
    return out


async def _service_relations(client: KubeClient, service: Obj) -> Obj:
    metadata = service["metadata"]
    endpoints = await get_object(client, ENDPOINTS, metadata.get("namespace"), metadata["name"])
    ready, not_ready = endpoint_addresses(endpoints) if endpoints else ([], [])
    return {
        "selector": selector_string(
            {"matchLabels": (service.get("spec") or {}).get("selector") or {}}
        )
        or "(none)",
        "endpoints": {"ready": ready, "not_ready": not_ready}
        if endpoints
        else "no Endpoints object",
    }


async def _hpa_relations(client: KubeClient, hpa: Obj) -> Obj:
    target = (hpa.get("spec") or {}).get("scaleTargetRef") or {}
    namespace = hpa["metadata"].get("namespace")
    kind = Kind(
        str(target.get("apiVersion") or "apps/v1"), str(target.get("kind")), namespaced=True
    )
    workload = await get_object(client, kind, namespace, str(target.get("name")))
    if workload is None:
        return {"target": f"{target.get('kind')} {namespace}/{target.get('name')}: MISSING"}
    ready = (workload.get("status") or {}).get("readyReplicas", 0)
    desired = (workload.get("spec") or {}).get("replicas", 1)
    return {
        "target": f"{target.get('kind')} {namespace}/{target.get('name')}: {ready}/{desired} ready",
        **await _workload_relations(client, workload),
    }


def _pod_lines(pods: list[Obj], *, with_namespace: bool) -> list[str]:
    lines = []
    for pod in sorted(pods, key=lambda p: p["metadata"]["name"])[:PODS_SHOWN]:
        name = pod_state.qualified_name(pod) if with_namespace else pod["metadata"]["name"]
        owner = owner_text(pod)
        lines.append(
            f"{name}: {pod_state.status_text(pod)}, ready {pod_state.is_ready(pod)}, "
            f"{pod_state.restarts(pod)} restarts{_last_terminated(pod)}, "
            f"node {pod_state.node_name(pod) or '(none)'}"
            + (f", owner {owner}" if owner and with_namespace else "")
        )
    if len(pods) > PODS_SHOWN:
        lines.append(f"... {len(pods) - PODS_SHOWN} more")
    return lines


def _last_terminated(pod: Obj) -> str:
    """Why a restarted pod's containers last ended (``, last terminated OOMKilled (exit
    137)``): a crash-looping pod caught between two crashes reads Running and ready, and
    this is what still tells its story."""
    ends = [
        f"{last.get('reason') or 'terminated'} (exit {last.get('exitCode', '?')})"
        for last in (pod_state.last_termination(s) for s in pod_state.container_statuses(pod))
        if last
    ]
    return f", last terminated {', '.join(dict.fromkeys(ends))}" if ends else ""


def _containers(holder: Obj) -> list[Obj]:
    spec = holder.get("spec") or {}
    return [*(spec.get("containers") or []), *(spec.get("initContainers") or [])]


def _ref(obj: Obj) -> str:
    metadata = obj.get("metadata") or {}
    where = f"{metadata['namespace']}/" if metadata.get("namespace") else ""
    return f"{obj.get('kind')} {where}{metadata.get('name')}"


SPEC = ReadToolSpec("related_objects", DESCRIPTION, RelatedObjectsArgs, related_objects)
