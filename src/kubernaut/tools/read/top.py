"""``top``: resource usage from metrics.k8s.io next to what was requested and allowed
(pods), allocatable (nodes), or capacity (PersistentVolumeClaims, from kubelet volume
stats)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from kubernaut.kube import KubeApiError
from kubernaut.tools.read import pod_state
from kubernaut.tools.read.fetch import list_objects
from kubernaut.tools.read.kinds import Kind
from kubernaut.tools.read.quantities import byte_count, millicores, percent, readable_bytes
from kubernaut.tools.read.tooling import ReadContext, ReadToolSpec, ToolProblem
from kubernaut.tools.read.volume_stats import volume_stats
from kubernaut.tools.read.workload_pods import POD, claims_of

Obj = dict[str, Any]

POD_METRICS = Kind("metrics.k8s.io/v1beta1", "PodMetrics", namespaced=True)
NODE_METRICS = Kind("metrics.k8s.io/v1beta1", "NodeMetrics", namespaced=False)
NODE = Kind("v1", "Node", namespaced=False)
CLAIM = Kind("v1", "PersistentVolumeClaim", namespaced=True)
MAX_ROWS = 50

DESCRIPTION = (
    "Show current resource usage, like `kubectl top`. kind='pods' (default): per "
    "container CPU and memory usage with the percentage of its request and limit (usage "
    "pinned at the CPU limit means throttling; memory near the limit risks OOMKills). "
    "kind='nodes': CPU and memory usage against allocatable. kind='pvc': volume used "
    "bytes against capacity (a full volume breaks writes). Filter with `namespace` and "
    "`label_selector`."
)


class TopArgs(BaseModel):
    kind: str = Field(default="pods", description="pods, nodes or pvc.")
    namespace: str | None = Field(default=None, description="Namespace; omit for all.")
    label_selector: str | None = Field(default=None, description="Label selector, e.g. 'app=web'.")


async def top(context: ReadContext, args: TopArgs) -> Any:
    kind = await context.kind(args.kind)
    if kind.kind == "Pod":
        return await _top_pods(context, args)
    if kind.kind == "Node":
        return await _top_nodes(context, args)
    if kind.kind == "PersistentVolumeClaim":
        return await _top_claims(context, args)
    raise ToolProblem(f"top shows pods, nodes or pvc, not {kind.kind}")


async def _top_pods(context: ReadContext, args: TopArgs) -> Obj:
    pods = await list_objects(context.client, POD, args.namespace, args.label_selector)
    metrics = await _metrics(context, POD_METRICS, args.namespace, args.label_selector)
    usage = {
        (m["metadata"].get("namespace"), m["metadata"]["name"]): {
            c.get("name"): c.get("usage") or {} for c in m.get("containers") or []
        }
        for m in metrics
    }
    rows = []
    for pod in sorted(
        pods, key=lambda p: (p["metadata"].get("namespace", ""), p["metadata"]["name"])
    ):
        if pod_state.is_finished(pod):
            continue
        metadata = pod["metadata"]
        measured = usage.get((metadata.get("namespace"), metadata["name"]))
        row: Obj = {
            "pod": _name(metadata, args.namespace),
            "status": pod_state.status_text(pod),
        }
        if measured is None:
            row["usage"] = "no metrics (containers not running, or not measured yet)"
        else:
            row["containers"] = [
                _container_row(container, measured.get(container.get("name")) or {})
                for container in (pod.get("spec") or {}).get("containers") or []
            ]
        rows.append(row)
    return _table("pods", args, rows)


def _container_row(container: Obj, usage: Obj) -> Obj:
    declared = container.get("resources") or {}
    requests, limits = declared.get("requests") or {}, declared.get("limits") or {}
    cpu = millicores(usage.get("cpu"))
    memory = byte_count(usage.get("memory"))
    return {
        "name": container.get("name"),
        "cpu": _usage_text(
            cpu,
            f"{cpu}m" if cpu is not None else None,
            millicores(requests.get("cpu")),
            millicores(limits.get("cpu")),
            requests.get("cpu"),
            limits.get("cpu"),
        ),
        "memory": _usage_text(
            memory,
            readable_bytes(memory) if memory is not None else None,
            byte_count(requests.get("memory")),
            byte_count(limits.get("memory")),
            requests.get("memory"),
            limits.get("memory"),
        ),
    }


def _usage_text(
    amount: int | None,
    shown: str | None,
    request: int | None,
    limit: int | None,
    request_text: Any,
    limit_text: Any,
) -> str:
    if amount is None or shown is None:
        return "not measured"
    parts = []
    share = percent(amount, request)
    parts.append(f"{share} of request {request_text}" if share else "no request")
    share = percent(amount, limit)
    parts.append(f"{share} of limit {limit_text}" if share else "no limit")
    return f"{shown} ({', '.join(parts)})"


async def _top_nodes(context: ReadContext, args: TopArgs) -> Obj:
    nodes = await list_objects(context.client, NODE, None, args.label_selector)
    measured = await _metrics(context, NODE_METRICS, None, args.label_selector)
    metrics = {m["metadata"]["name"]: m.get("usage") or {} for m in measured}
    rows = []
    for node in sorted(nodes, key=lambda n: n["metadata"]["name"]):
        name = node["metadata"]["name"]
        allocatable = (node.get("status") or {}).get("allocatable") or {}
        usage = metrics.get(name)
        if usage is None:
            rows.append({"node": name, "usage": "no metrics (node not reporting)"})
            continue
        cpu, memory = millicores(usage.get("cpu")) or 0, byte_count(usage.get("memory")) or 0
        cpu_share = percent(cpu, millicores(allocatable.get("cpu")))
        memory_share = percent(memory, byte_count(allocatable.get("memory")))
        cpu_allocatable, memory_allocatable = allocatable.get("cpu"), allocatable.get("memory")
        rows.append(
            {
                "node": name,
                "cpu": f"{cpu}m ({cpu_share or '?'} of allocatable {cpu_allocatable})",
                "memory": f"{readable_bytes(memory)} ({memory_share or '?'} of allocatable "
                f"{memory_allocatable})",
            }
        )
    return _table("nodes", args, rows)


async def _top_claims(context: ReadContext, args: TopArgs) -> Obj:
    claims = await list_objects(context.client, CLAIM, args.namespace, args.label_selector)
    pods = await list_objects(context.client, POD, args.namespace)
    wanted = {(c["metadata"].get("namespace"), c["metadata"]["name"]) for c in claims}
    mounting = [
        pod
        for pod in pods
        if any((pod["metadata"].get("namespace"), claim) in wanted for claim in claims_of(pod))
    ]
    stats = await volume_stats(context.client, pod_state.nodes_of(mounting))
    rows = []
    for claim in sorted(
        claims, key=lambda c: (c["metadata"].get("namespace", ""), c["metadata"]["name"])
    ):
        metadata = claim["metadata"]
        row: Obj = {"pvc": _name(metadata, args.namespace)}
        found = stats.get((metadata.get("namespace", ""), metadata["name"]))
        if found is None:
            row["usage"] = (
                "no volume stats (not mounted by a running pod, or kubelet metrics unreadable)"
            )
        else:
            row.update({"usage": found.usage_text, "node": found.node})
        rows.append(row)
    return _table("pvc", args, rows)


async def _metrics(
    context: ReadContext, kind: Kind, namespace: str | None, selector: str | None
) -> list[Obj]:
    try:
        return await list_objects(context.client, kind, namespace, selector)
    except KubeApiError as error:
        if error.status in (404, 503):
            raise ToolProblem(
                "the metrics API (metrics.k8s.io) is not available on this cluster (is "
                "metrics-server installed?); use get_resources or describe instead"
            ) from None
        raise


def _table(kind: str, args: TopArgs, rows: list[Obj]) -> Obj:
    out: Obj = {"kind": kind, "namespace": args.namespace or "(all)"}
    if args.label_selector:
        out["label_selector"] = args.label_selector
    out["count"] = len(rows)
    if len(rows) > MAX_ROWS:
        out["more"] = (
            f"{len(rows) - MAX_ROWS} more not shown; narrow with namespace or label_selector"
        )
    out["rows" if rows else "note"] = rows[:MAX_ROWS] if rows else f"no {kind} match"
    return out


def _name(metadata: Obj, namespace: str | None) -> str:
    return metadata["name"] if namespace else f"{metadata.get('namespace')}/{metadata['name']}"


SPEC = ReadToolSpec("top", DESCRIPTION, TopArgs, top)
