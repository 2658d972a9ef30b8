"""The horizontal pod autoscaler: CPU utilisation of the target's pods against the target.

Every 15 s: utilisation = mean CPU usage / mean CPU request of the ready pods; desired =
ceil(current * utilisation / target) outside a 10% tolerance, clamped to min/max.
Status and conditions (AbleToScale, ScalingActive, ScalingLimited) as the real
controller writes them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

from kubernaut.core.quantity import millicores
from kubernaut.sim.controllers.base import BaseController
from kubernaut.sim.controllers.manager import Key, Mapper, same_object
from kubernaut.sim.errors import ApiError
from kubernaut.sim.objects import Obj, is_deleting
from kubernaut.sim.podutil import is_pod_ready, set_condition
from kubernaut.sim.selectors import LabelSelector

if TYPE_CHECKING:
    from kubernaut.sim.cluster import Cluster

SYNC_SECONDS = 15.0
TOLERANCE = 0.1


class HorizontalPodAutoscaler(BaseController):
    name = "horizontal-pod-autoscaler"

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.hpas = self.kind("autoscaling/v2", "HorizontalPodAutoscaler")
        self.pods = self.kind("v1", "Pod")

    def watches(self) -> Iterable[tuple[str, Mapper]]:
        return [(self.hpas.key, same_object)]

    def reconcile(self, key: Key) -> float | None:
        hpa = self.store.peek(self.hpas, *key)
        if hpa is None:
            return None
        spec = hpa.get("spec") or {}
        reference = spec.get("scaleTargetRef") or {}
        now = self.clock.timestamp()
        try:
            target_type = self.cluster.resource(
                reference.get("apiVersion", "apps/v1"), reference.get("kind", "")
            )
        except ApiError:
            target_type = None
        target = (
            self.store.peek(target_type, key[0], reference.get("name", "")) if target_type else None
        )
        if target is None:
            self._report(
                hpa,
                key,
                now,
                None,
                None,
                "FailedGetScale",
                f'{reference.get("kind")} "{reference.get("name")}" not found',
            )
            return SYNC_SECONDS
        current = int(target.get("spec", {}).get("replicas", 1))
        target_utilisation = _cpu_target(spec)
        utilisation = self._utilisation(key[0], target)
        minimum = int(spec.get("minReplicas", 1))
        maximum = int(spec.get("maxReplicas", 1))
        desired = current
        if utilisation is not None and target_utilisation:
            ratio = utilisation / target_utilisation
            if abs(ratio - 1) > TOLERANCE:
                desired = math.ceil(current * ratio)
        unbounded = desired
        desired = max(minimum, min(maximum, desired))
        if desired != current and target_type is not None:
            self.store.mutate(
                target_type,
                key[0],
                reference["name"],
                lambda t: t["spec"].__setitem__("replicas", desired),
            )
            direction = "above" if desired > current else "below"
            self.event(
                hpa,
                "Normal",
                "SuccessfulRescale",
                f"New size: {desired}; reason: cpu resource utilization (percentage of request) "
                f"{direction} target",
            )
        limit = None
        if unbounded > maximum:
            limit = (
                "TooManyReplicas",
                "the desired replica count is more than the maximum replica count",
            )
        elif unbounded < minimum:
            limit = (
                "TooFewReplicas",
                "the desired replica count is less than the minimum replica count",
            )
        self._report(hpa, key, now, (current, desired, utilisation), limit, None, None)
        return SYNC_SECONDS

    def _utilisation(self, namespace: str, target: Obj) -> int | None:
        selector = LabelSelector.from_spec((target.get("spec") or {}).get("selector"))
        used = requested = 0
        for pod in self.store.scan(self.pods, namespace):
            if is_deleting(pod) or not is_pod_ready(pod):
                continue
            if not selector.matches(pod["metadata"].get("labels")):
                continue
            usage = self.cluster.usage.pod_usage(pod)
            for container in pod["spec"].get("containers") or []:
                request = ((container.get("resources") or {}).get("requests") or {}).get("cpu")
                if container["name"] in usage and request:
                    used += usage[container["name"]].cpu_millicores
                    requested += millicores(request)
        return round(100 * used / requested) if requested else None

    def _report(
        self,
        hpa: Obj,
        key: Key,
        now: str,
        scale: tuple[int, int, int | None] | None,
        limit: tuple[str, str] | None,
        failure_reason: str | None,
        failure_message: str | None,
    ) -> None:
        generation = hpa["metadata"].get("generation", 1)

        def write(h: Obj) -> None:
            status = h.setdefault("status", {})
            status["observedGeneration"] = generation
            if scale is None:
                set_condition(h, "AbleToScale", "False", now, failure_reason, failure_message)
                return
            current, desired, utilisation = scale
            if desired != current:
                status["lastScaleTime"] = now
            status["currentReplicas"] = current
            status["desiredReplicas"] = desired
            if utilisation is not None:
                status["currentMetrics"] = [
                    {
                        "type": "Resource",
                        "resource": {"name": "cpu", "current": {"averageUtilization": utilisation}},
                    }
                ]
            set_condition(
                h,
                "AbleToScale",
                "True",
                now,
                "ReadyForNewScale",
                "recommended size matches current size",
            )
            if utilisation is None:
                set_condition(
                    h,
                    "ScalingActive",
                    "False",
                    now,
                    "FailedGetResourceMetric",
                    "the HPA was unable to compute the replica count: no ready pods "
                    "with CPU requests",
                )
            else:
                set_condition(
                    h,
                    "ScalingActive",
                    "True",
                    now,
                    "ValidMetricFound",
                    "the HPA was able to successfully calculate a replica count from "
                    "cpu resource utilization (percentage of request)",
                )
            if limit is None:
                set_condition(
                    h,
                    "ScalingLimited",
                    "False",
                    now,
                    "DesiredWithinRange",
                    "the desired count is within the acceptable range",
                )
            else:
                set_condition(h, "ScalingLimited", "True", now, *limit)

        self.store.mutate(self.hpas, *key, write)


def _cpu_target(spec: Obj) -> int | None:
    for metric in spec.get("metrics") or []:
        resource = metric.get("resource") or {}
        if metric.get("type") == "Resource" and resource.get("name") == "cpu":
            target = resource.get("target") or {}
            if target.get("averageUtilization") is not None:
                return int(target["averageUtilization"])
    return None
