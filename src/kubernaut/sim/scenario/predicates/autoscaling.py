"""HorizontalPodAutoscaler predicates: room to scale, and load under the target."""

from __future__ import annotations

from pydantic import Field

from kubernaut.sim.objects import Obj
from kubernaut.sim.scenario.base import DnsLabel
from kubernaut.sim.scenario.predicates.base import ObjectRef, Predicate
from kubernaut.sim.scenario.reader import ClusterReader


class _Autoscaler(Predicate):
    namespace: DnsLabel = Field(description="The HPA's namespace.")
    name: str = Field(description="The HPA's name.")

    def subject(self) -> str:
        return f"hpa {self.namespace}/{self.name}"

    def references(self) -> list[ObjectRef]:
        return [ObjectRef("HorizontalPodAutoscaler", self.namespace, self.name)]

    async def _hpa(self, reader: ClusterReader) -> Obj | None:
        return await reader.get(
            "autoscaling/v2", "HorizontalPodAutoscaler", self.namespace, self.name
        )


class HpaNotLimited(_Autoscaler):
    """The HPA's ``ScalingLimited`` condition is not True (it is not pinned at its minimum
    or maximum replica count by what the metrics ask for)."""

    key = "hpaNotLimited"

    async def check(self, reader: ClusterReader) -> tuple[bool, str]:
        hpa = await self._hpa(reader)
        if hpa is None:
            return False, f"{self.subject()}: not found"
        for condition in (hpa.get("status") or {}).get("conditions") or []:
            if condition.get("type") == "ScalingLimited":
                detail = f"{self.subject()}: ScalingLimited is {condition.get('status')}"
                if condition.get("status") == "True":
                    why = condition.get("message") or condition.get("reason") or ""
                    return False, f"{detail} ({why})" if why else detail
                return True, detail
        return True, f"{self.subject()}: no ScalingLimited condition"


class HpaBelowTarget(_Autoscaler):
    """The current average CPU utilisation (``status.currentMetrics``, resource cpu) is at
    or below the spec's CPU ``averageUtilization`` target."""

    key = "hpaBelowTarget"

    async def check(self, reader: ClusterReader) -> tuple[bool, str]:
        hpa = await self._hpa(reader)
        if hpa is None:
            return False, f"{self.subject()}: not found"
        target = _cpu_utilization((hpa.get("spec") or {}).get("metrics"), "target")
        if target is None:
            return False, f"{self.subject()}: has no CPU averageUtilization target"
        current = _cpu_utilization((hpa.get("status") or {}).get("currentMetrics"), "current")
        if current is None:
            return False, f"{self.subject()}: no current CPU utilisation reported yet"
        detail = f"{self.subject()}: CPU at {current}% of requests, target {target}%"
        return current <= target, detail


def _cpu_utilization(metrics: list[Obj] | None, field: str) -> int | None:
    for metric in metrics or []:
        resource = metric.get("resource") or {}
        if metric.get("type") == "Resource" and resource.get("name") == "cpu":
            value = (resource.get(field) or {}).get("averageUtilization")
            return None if value is None else int(value)
    return None
