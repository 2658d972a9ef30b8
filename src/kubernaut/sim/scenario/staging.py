"""Staging a scenario's incident on a running simulator.

The starting cluster (``manifests/``) is healthy or already broken; ``incident/``, when
present, is applied once the starting workloads have rolled out, so that a bad rollout
has a previous revision to roll back to and a failing node first has pods to lose.
"""

from __future__ import annotations

import asyncio
import copy

from kubernaut.sim.objects import Obj
from kubernaut.sim.scenario.loader import Scenario
from kubernaut.sim.scenario.predicates import (
    DaemonSetReady,
    DeploymentReady,
    HealthReport,
    Predicate,
    StatefulSetReady,
    evaluate_health,
)
from kubernaut.sim.scenario.reader import HttpClusterReader
from kubernaut.sim.server import Simulator

_MANUAL_STEP_SECONDS = 5.0
_POLL_SECONDS = 0.2
_READY = {
    "Deployment": DeploymentReady,
    "StatefulSet": StatefulSetReady,
    "DaemonSet": DaemonSetReady,
}


def settled_predicates(manifests: list[Obj]) -> list[Predicate]:
    """A readiness predicate for every Deployment, StatefulSet and DaemonSet in ``manifests``."""
    predicates: list[Predicate] = []
    for obj in manifests:
        ready = _READY.get(obj["kind"]) if obj.get("apiVersion") == "apps/v1" else None
        if ready is not None:
            metadata = obj["metadata"]
            where = {"namespace": metadata.get("namespace") or "default", "name": metadata["name"]}
            predicates.append(ready.model_validate(where))
    return predicates


async def stage_incident(
    scenario: Scenario, simulator: Simulator, *, settle_seconds: float = 60.0
) -> HealthReport | None:
    """Wait until the starting workloads are ready (for at most ``settle_seconds`` of real
    time; with manual simulated time, stepping it 5 s at a time), then apply ``incident/``.
    Returns the settled report; None without an incident.

    Raises TimeoutError naming what did not settle.
    """
    if not scenario.incident:
        return None
    predicates = settled_predicates(scenario.manifests)
    async with HttpClusterReader(simulator.kubeconfig_path) as reader:
        report = await evaluate_health(predicates, reader)
        try:
            async with asyncio.timeout(settle_seconds):
                while not report.ok:
                    if simulator.cluster.clock.manual:  # time moves only when we move it
                        await asyncio.to_thread(simulator.advance, _MANUAL_STEP_SECONDS)
                    else:
                        await asyncio.sleep(_POLL_SECONDS)
                    report = await evaluate_health(predicates, reader)
        except TimeoutError:
            failing = "; ".join(result.detail for result in report.failing)
            raise TimeoutError(
                f"scenario {scenario.name}: the starting cluster did not settle within "
                f"{settle_seconds:g} s, so the incident was not applied: {failing}"
            ) from None
    incident = copy.deepcopy(scenario.incident)
    await simulator.acall(lambda cluster: cluster.apply(incident))
    return report
