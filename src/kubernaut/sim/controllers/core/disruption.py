"""The disruption controller: how many pods each PodDisruptionBudget lets go right now."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

from kubernaut.sim.controllers.base import BaseController
from kubernaut.sim.controllers.manager import Key, Mapper, same_object
from kubernaut.sim.objects import Obj, is_deleting
from kubernaut.sim.podutil import is_pod_ready, set_condition
from kubernaut.sim.selectors import LabelSelector
from kubernaut.sim.store import StoreEvent

if TYPE_CHECKING:
    from kubernaut.sim.cluster import Cluster


def scaled_value(value: int | str | None, total: int, *, round_up: bool) -> int | None:
    """An int-or-percent value as a pod count."""
    if value is None:
        return None
    if isinstance(value, int):
        return value
    text = value.strip()
    if text.endswith("%"):
        fraction = int(text[:-1]) * total / 100
        return math.ceil(fraction) if round_up else math.floor(fraction)
    return int(text)


class DisruptionController(BaseController):
    name = "disruption-controller"

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.budgets = self.kind("policy/v1", "PodDisruptionBudget")
        self.pods = self.kind("v1", "Pod")

    def watches(self) -> Iterable[tuple[str, Mapper]]:
        return [(self.budgets.key, same_object), ("pods", self._budgets_in_namespace)]

    def _budgets_in_namespace(self, event: StoreEvent) -> Iterable[Key]:
        namespace = event.object["metadata"]["namespace"]
        return [
            (namespace, b["metadata"]["name"]) for b in self.store.scan(self.budgets, namespace)
        ]

    def reconcile(self, key: Key) -> float | None:
        budget = self.store.peek(self.budgets, *key)
        if budget is None:
            return None
        spec = budget.get("spec") or {}
        selector = LabelSelector.from_spec(spec.get("selector"))
        pods = [
            p
            for p in self.store.scan(self.pods, key[0])
            if selector.matches(p["metadata"].get("labels")) and not is_deleting(p)
        ]
        expected = len(pods)
        healthy = sum(1 for p in pods if is_pod_ready(p))
        min_available = scaled_value(spec.get("minAvailable"), expected, round_up=True)
        max_unavailable = scaled_value(spec.get("maxUnavailable"), expected, round_up=True)
        if min_available is not None:
            desired = min_available
        elif max_unavailable is not None:
            desired = max(expected - max_unavailable, 0)
        else:
            desired = expected
        allowed = max(healthy - desired, 0)
        now = self.clock.timestamp()
        generation = budget["metadata"].get("generation", 1)

        def report(b: Obj) -> None:
            status = b.setdefault("status", {})
            status.update(
                currentHealthy=healthy,
                desiredHealthy=desired,
                expectedPods=expected,
                disruptionsAllowed=allowed,
                observedGeneration=generation,
            )
            if allowed > 0:
                set_condition(b, "DisruptionAllowed", "True", now, "SufficientPods", "")
            else:
                set_condition(b, "DisruptionAllowed", "False", now, "InsufficientPods", "")

        self.store.mutate(self.budgets, *key, report)
        return None
