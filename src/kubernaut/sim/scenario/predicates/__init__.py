"""Health predicates: the closed set of checks a scenario's ``expectations.health`` lists.

In YAML each is a mapping with one key, the predicate's name::

    - deploymentReady: {namespace: shop, name: web}
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Discriminator, Tag

from kubernaut.sim.scenario.predicates.autoscaling import HpaBelowTarget, HpaNotLimited
from kubernaut.sim.scenario.predicates.base import ObjectRef, Predicate, PredicateResult
from kubernaut.sim.scenario.predicates.metrics import ErrorRateBelow, PodMetricBelow
from kubernaut.sim.scenario.predicates.nodes import NodeCondition, NodeSchedulable, NoPodsOnNode
from kubernaut.sim.scenario.predicates.pods import FAILING_REASONS, NoContainerIn, PodsReady
from kubernaut.sim.scenario.predicates.services import ServiceHasEndpoints
from kubernaut.sim.scenario.predicates.storage import PvcCapacityAtLeast
from kubernaut.sim.scenario.predicates.symptoms import ContainerIn, EventSeen, LogContains
from kubernaut.sim.scenario.predicates.workloads import (
    DaemonSetReady,
    DeploymentReady,
    StatefulSetReady,
)
from kubernaut.sim.scenario.reader import ClusterReader

PREDICATES: tuple[type[Predicate], ...] = (
    DeploymentReady,
    StatefulSetReady,
    DaemonSetReady,
    PodsReady,
    NoContainerIn,
    ServiceHasEndpoints,
    NodeCondition,
    NodeSchedulable,
    NoPodsOnNode,
    HpaNotLimited,
    HpaBelowTarget,
    PvcCapacityAtLeast,
    PodMetricBelow,
    ErrorRateBelow,
)


def _predicate_name(value: Any) -> str | None:
    if isinstance(value, Predicate):
        return value.key
    if isinstance(value, dict) and len(value) == 1:
        return str(next(iter(value)))
    return None


HealthPredicate = Annotated[
    Annotated[DeploymentReady, Tag(DeploymentReady.key)]
    | Annotated[StatefulSetReady, Tag(StatefulSetReady.key)]
    | Annotated[DaemonSetReady, Tag(DaemonSetReady.key)]
    | Annotated[PodsReady, Tag(PodsReady.key)]
    | Annotated[NoContainerIn, Tag(NoContainerIn.key)]
    | Annotated[ServiceHasEndpoints, Tag(ServiceHasEndpoints.key)]
    | Annotated[NodeCondition, Tag(NodeCondition.key)]
    | Annotated[NodeSchedulable, Tag(NodeSchedulable.key)]
    | Annotated[NoPodsOnNode, Tag(NoPodsOnNode.key)]
    | Annotated[HpaNotLimited, Tag(HpaNotLimited.key)]
    | Annotated[HpaBelowTarget, Tag(HpaBelowTarget.key)]
    | Annotated[PvcCapacityAtLeast, Tag(PvcCapacityAtLeast.key)]
    | Annotated[PodMetricBelow, Tag(PodMetricBelow.key)]
    | Annotated[ErrorRateBelow, Tag(ErrorRateBelow.key)],
    Discriminator(_predicate_name),
]
"""Any one predicate, chosen by its single YAML key."""

SYMPTOMS: tuple[type[Predicate], ...] = (ContainerIn, EventSeen, LogContains)

Symptom = Annotated[
    Annotated[ContainerIn, Tag(ContainerIn.key)]
    | Annotated[EventSeen, Tag(EventSeen.key)]
    | Annotated[LogContains, Tag(LogContains.key)],
    Discriminator(_predicate_name),
]
"""Any one symptom predicate, chosen by its single YAML key."""


@dataclass(frozen=True)
class HealthReport:
    """Every predicate evaluated at one instant."""

    results: tuple[PredicateResult, ...]

    @property
    def ok(self) -> bool:
        return all(result.ok for result in self.results)

    @property
    def failing(self) -> tuple[PredicateResult, ...]:
        return tuple(result for result in self.results if not result.ok)


async def evaluate_health(predicates: Sequence[Predicate], reader: ClusterReader) -> HealthReport:
    """Evaluate all ``predicates`` now (concurrently), in the order given."""
    results = await asyncio.gather(*(predicate.evaluate(reader) for predicate in predicates))
    return HealthReport(tuple(results))


__all__ = [
    "FAILING_REASONS",
    "PREDICATES",
    "SYMPTOMS",
    "ContainerIn",
    "DaemonSetReady",
    "DeploymentReady",
    "ErrorRateBelow",
    "EventSeen",
    "HealthPredicate",
    "HealthReport",
    "HpaBelowTarget",
    "HpaNotLimited",
    "LogContains",
    "NoContainerIn",
    "NoPodsOnNode",
    "NodeCondition",
    "NodeSchedulable",
    "ObjectRef",
    "PodMetricBelow",
    "PodsReady",
    "Predicate",
    "PredicateResult",
    "PvcCapacityAtLeast",
    "ServiceHasEndpoints",
    "StatefulSetReady",
    "Symptom",
    "evaluate_health",
]
