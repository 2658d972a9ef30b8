"""Prometheus text metrics behind the API server proxy, as real clusters expose them.

- ``/api/v1/namespaces/NS/pods/POD[:PORT]/proxy/metrics``: the application's own
  metrics: ``http_requests_total{code}`` and ``http_request_duration_seconds``, from
  the container's declared request rate, error rate and latency.
- ``/api/v1/nodes/NODE/proxy/metrics/cadvisor``: per-container CPU, memory and CFS
  throttling counters.
- ``/api/v1/nodes/NODE/proxy/metrics``: the kubelet's volume statistics per PVC.

Counters grow with simulated time since the container (last) started.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from kubernaut.core.quantity import bytes_of, millicores
from kubernaut.sim.asgi import Response, text_response
from kubernaut.sim.clock import parse_time
from kubernaut.sim.errors import ApiError, not_found
from kubernaut.sim.objects import Obj, annotations_of
from kubernaut.sim.physics.behavior import pod_behavior, volume_used_bytes

if TYPE_CHECKING:
    from kubernaut.sim.cluster import Cluster
    from kubernaut.sim.resources import ResourceType
    from kubernaut.sim.routing import ResourcePath

CFS_PERIODS_PER_SECOND = 10


def proxy_metrics(cluster: Cluster, resource: ResourceType, path: ResourcePath) -> Response:
    assert path.name is not None
    obj = cluster.store.peek(resource, path.namespace or "", path.name)
    if obj is None:
        raise not_found(resource.plural, path.name, resource.group)
    target = path.proxy_path.strip("/")
    if resource.kind == "Pod" and target == "metrics":
        return _text(application_metrics(cluster, obj))
    if resource.kind == "Node" and target == "metrics/cadvisor":
        return _text(cadvisor_metrics(cluster, path.name))
    if resource.kind == "Node" and target == "metrics":
        return _text(kubelet_metrics(cluster, path.name))
    raise ApiError(
        404,
        f"the simulator proxies only metrics endpoints (pods: /metrics; nodes: /metrics, "
        f"/metrics/cadvisor), not /{target}",
    )


def _text(lines: Iterable[str]) -> Response:
    response = text_response("\n".join(lines) + "\n")
    response.content_type = "text/plain; version=0.0.4"
    return response


def _running_seconds(cluster: Cluster, container_status: Obj) -> float:
    started = ((container_status.get("state") or {}).get("running") or {}).get("startedAt")
    if not started:
        return 0.0
    return max((cluster.clock.now() - parse_time(started)).total_seconds(), 0.0)


def _labels(**values: str) -> str:
    inner = ",".join(f'{key}="{value}"' for key, value in values.items())
    return "{" + inner + "}"


def application_metrics(cluster: Cluster, pod: Obj) -> list[str]:
    behavior = pod_behavior(annotations_of(pod))
    statuses = {s["name"]: s for s in pod.get("status", {}).get("containerStatuses") or []}
    total = errors = 0.0
    latency = 0.0
    for container in pod.get("spec", {}).get("containers") or []:
        declared = behavior.container(container["name"])
        seconds = _running_seconds(cluster, statuses.get(container["name"], {}))
        served = declared.request_rate * seconds
        total += served
        errors += served * declared.error_rate
        latency = max(latency, declared.latency if seconds else 0.0)
    ok = round(total - errors)
    failed = round(errors)
    lines = [
        "# HELP http_requests_total Total HTTP requests served, by status code.",
        "# TYPE http_requests_total counter",
        f'http_requests_total{{code="200"}} {ok}',
        f'http_requests_total{{code="500"}} {failed}',
        "# HELP http_request_duration_seconds HTTP request latency.",
        "# TYPE http_request_duration_seconds summary",
    ]
    for quantile, share in (("0.5", 0.4), ("0.9", 0.7), ("0.99", 1.0)):
        lines.append(
            f'http_request_duration_seconds{{quantile="{quantile}"}} {latency * share:.4f}'
        )
    lines.append(f"http_request_duration_seconds_sum {latency * 0.5 * (ok + failed):.3f}")
    lines.append(f"http_request_duration_seconds_count {ok + failed}")
    return lines


def cadvisor_metrics(cluster: Cluster, node_name: str) -> list[str]:
    series: dict[str, list[str]] = {
        "container_cpu_usage_seconds_total": [],
        "container_memory_working_set_bytes": [],
        "container_spec_memory_limit_bytes": [],
        "container_spec_cpu_quota": [],
        "container_cpu_cfs_periods_total": [],
        "container_cpu_cfs_throttled_periods_total": [],
    }
    pods = cluster.resource("v1", "Pod")
    for pod in cluster.store.scan(pods):
        if pod.get("spec", {}).get("nodeName") != node_name:
            continue
        usage = cluster.usage.pod_usage(pod)
        statuses = {s["name"]: s for s in pod.get("status", {}).get("containerStatuses") or []}
        for container in pod["spec"].get("containers") or []:
            used = usage.get(container["name"])
            if used is None:
                continue
            labels = _labels(
                namespace=pod["metadata"]["namespace"],
                pod=pod["metadata"]["name"],
                container=container["name"],
            )
            seconds = _running_seconds(cluster, statuses.get(container["name"], {}))
            limits = (container.get("resources") or {}).get("limits") or {}
            series["container_cpu_usage_seconds_total"].append(
                f"{labels} {used.cpu_millicores / 1000 * seconds:.3f}"
            )
            series["container_memory_working_set_bytes"].append(f"{labels} {used.memory_bytes}")
            if limits.get("memory"):
                series["container_spec_memory_limit_bytes"].append(
                    f"{labels} {bytes_of(limits['memory'])}"
                )
            if limits.get("cpu"):
                periods = round(seconds * CFS_PERIODS_PER_SECOND)
                series["container_spec_cpu_quota"].append(
                    f"{labels} {millicores(limits['cpu']) * 100}"
                )
                series["container_cpu_cfs_periods_total"].append(f"{labels} {periods}")
                series["container_cpu_cfs_throttled_periods_total"].append(
                    f"{labels} {round(periods * used.throttled_fraction)}"
                )
    lines = []
    for name, samples in series.items():
        kind = "counter" if name.endswith("_total") else "gauge"
        lines.append(f"# TYPE {name} {kind}")
        lines.extend(f"{name}{sample}" for sample in samples)
    return lines


def kubelet_metrics(cluster: Cluster, node_name: str) -> list[str]:
    pods = cluster.resource("v1", "Pod")
    claims = cluster.resource("v1", "PersistentVolumeClaim")
    seen: set[tuple[str, str]] = set()
    lines = [
        "# TYPE kubelet_volume_stats_capacity_bytes gauge",
        "# TYPE kubelet_volume_stats_used_bytes gauge",
        "# TYPE kubelet_volume_stats_available_bytes gauge",
    ]
    samples: list[str] = []
    for pod in cluster.store.scan(pods):
        if pod.get("spec", {}).get("nodeName") != node_name:
            continue
        namespace = pod["metadata"]["namespace"]
        for volume in pod["spec"].get("volumes") or []:
            claim_name = (volume.get("persistentVolumeClaim") or {}).get("claimName")
            if not claim_name or (namespace, claim_name) in seen:
                continue
            seen.add((namespace, claim_name))
            claim = cluster.store.peek(claims, namespace, claim_name)
            if claim is None:
                continue
            capacity = bytes_of(((claim.get("status") or {}).get("capacity") or {}).get("storage"))
            used = min(volume_used_bytes(claim["metadata"].get("annotations")), capacity)
            labels = _labels(namespace=namespace, persistentvolumeclaim=claim_name)
            samples += [
                f"kubelet_volume_stats_capacity_bytes{labels} {capacity}",
                f"kubelet_volume_stats_used_bytes{labels} {used}",
                f"kubelet_volume_stats_available_bytes{labels} {capacity - used}",
            ]
    return lines + samples
