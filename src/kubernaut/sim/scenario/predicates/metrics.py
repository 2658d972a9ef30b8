"""Predicates on what pods use and how they answer: resource usage from metrics.k8s.io,
and the HTTP error rate from the application's own Prometheus metrics."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from kubernaut.core.quantity import parse_quantity
from kubernaut.sim.objects import Obj
from kubernaut.sim.scenario.base import DnsLabel
from kubernaut.sim.scenario.predicates.base import ObjectRef, Predicate
from kubernaut.sim.scenario.predicates.pods import SelectedPods
from kubernaut.sim.scenario.predicates.podstate import is_ready, plural, workload_pods
from kubernaut.sim.scenario.predicates.prometheus import Sample, parse_samples
from kubernaut.sim.scenario.reader import ClusterReader, ClusterReadError

REQUESTS_METRIC = "http_requests_total"
PROMETHEUS_PORT = "prometheus.io/port"


class PodMetricBelow(SelectedPods):
    """Every container with a limit on ``resource``, in every matching pod, uses less than
    ``fractionOfLimit`` of it (usage from metrics.k8s.io). There must be at least one
    such pod, and every matching pod must report metrics."""

    key = "podMetricBelow"
    resource: Literal["cpu", "memory"] = Field(description="Which resource.")
    fraction_of_limit: float = Field(
        default=0.9, gt=0, le=1, description="The share of the limit usage must stay under."
    )

    async def check(self, reader: ClusterReader) -> tuple[bool, str]:
        pods = await self._pods(reader)
        if not pods:
            return False, f"{self.subject()}: no pods"
        measured = await reader.list(
            "metrics.k8s.io/v1beta1", "PodMetrics", self.namespace, self.selector
        )
        usage = {item["metadata"]["name"]: item for item in measured}
        over, unmeasured, highest, limited = [], [], Decimal(0), 0
        for pod in pods:
            name = pod["metadata"]["name"]
            if name not in usage:
                unmeasured.append(name)
                continue
            for container, fraction in self._fractions(pod, usage[name]):
                limited += 1
                highest = max(highest, fraction)
                if fraction >= Decimal(str(self.fraction_of_limit)):
                    over.append(f"{name}/{container} at {fraction:.0%}")
        problems = []
        if over:
            share = f"{self.fraction_of_limit:.0%}"
            problems.append(f"{self.resource} over {share} of the limit: {', '.join(over)}")
        if unmeasured:
            problems.append(f"no metrics for {', '.join(unmeasured)}")
        if not problems and not limited:
            problems.append(f"no container has a {self.resource} limit")
        if problems:
            return False, f"{self.subject()}: {'; '.join(problems)}"
        share = f"{highest:.0%}"
        pods_text = plural(len(pods), "pod")
        return True, f"{self.subject()}: {self.resource} at most {share} of the limit ({pods_text})"

    def _fractions(self, pod: Obj, metrics: Obj) -> list[tuple[str, Decimal]]:
        """(container, usage / limit) for each measured container that has a limit."""
        limits = {
            container["name"]: ((container.get("resources") or {}).get("limits") or {}).get(
                self.resource
            )
            for container in (pod.get("spec") or {}).get("containers") or []
        }
        fractions = []
        for container in metrics.get("containers") or []:
            limit = limits.get(container.get("name"))
            used = (container.get("usage") or {}).get(self.resource)
            if limit is not None and used is not None and parse_quantity(limit) > 0:
                fractions.append((container["name"], parse_quantity(used) / parse_quantity(limit)))
        return fractions


class ErrorRateBelow(Predicate):
    """Across the Deployment's ready pods, 5xx responses are at most ``max`` of all HTTP
    requests, from the ``http_requests_total{code=...}`` counters each pod serves at
    ``/metrics`` (read through the API server's pod proxy). No requests counted yet, or no
    ready pod, does not count as holding."""

    key = "errorRateBelow"
    namespace: DnsLabel = Field(description="The Deployment's namespace.")
    deployment: str = Field(description="The Deployment's name.")
    maximum: float = Field(
        default=0.01, alias="max", ge=0, le=1, description="Highest error ratio."
    )
    port: int | None = Field(
        default=None,
        description="The metrics port; default: the pod's prometheus.io/port annotation, "
        "else its first container port.",
    )

    def subject(self) -> str:
        return f"deployment {self.namespace}/{self.deployment}"

    def references(self) -> list[ObjectRef]:
        return [ObjectRef("Deployment", self.namespace, self.deployment)]

    async def check(self, reader: ClusterReader) -> tuple[bool, str]:
        deployment = await reader.get("apps/v1", "Deployment", self.namespace, self.deployment)
        if deployment is None:
            return False, f"{self.subject()}: not found"
        pods = [pod for pod in await workload_pods(reader, deployment) if is_ready(pod)]
        if not pods:
            return False, f"{self.subject()}: no ready pods to measure"
        errors = total = 0.0
        for pod in pods:
            failed, served = await self._requests(reader, pod)
            errors += failed
            total += served
        if total == 0:
            return False, f"{self.subject()}: no requests counted yet"
        rate = errors / total
        detail = (
            f"{self.subject()}: {rate:.2%} of {total:.0f} requests failed (5xx) across "
            f"{plural(len(pods), 'ready pod')}, at most {self.maximum:.2%} wanted"
        )
        return rate <= self.maximum, detail

    async def _requests(self, reader: ClusterReader, pod: Obj) -> tuple[float, float]:
        """(5xx requests, all requests) the pod has counted."""
        name = pod["metadata"]["name"]
        port = self.port or _metrics_port(pod)
        if port is None:
            raise ClusterReadError(f"pod {name} declares no port to read metrics from")
        path = f"/api/v1/namespaces/{self.namespace}/pods/{name}:{port}/proxy/metrics"
        try:
            samples = parse_samples(await reader.raw(path))
        except ValueError as error:
            raise ClusterReadError(f"{path}: not Prometheus text: {error}") from None
        return request_counts(samples)


def request_counts(samples: list[Sample]) -> tuple[float, float]:
    """(5xx, all) summed over the ``http_requests_total`` series."""
    requests = [sample for sample in samples if sample.name == REQUESTS_METRIC]
    failed = sum(s.value for s in requests if s.labels.get("code", "").startswith("5"))
    return failed, sum(s.value for s in requests)


def _metrics_port(pod: Obj) -> int | None:
    annotated = (pod["metadata"].get("annotations") or {}).get(PROMETHEUS_PORT)
    if annotated and annotated.isdigit():
        return int(annotated)
    for container in (pod.get("spec") or {}).get("containers") or []:
        for port in container.get("ports") or []:
            if port.get("containerPort"):
                return int(port["containerPort"])
    return None
