"""A crash-looping workload is not always seen crashing: between two OOMKills its pods
read Running and ready for a moment. The rule-based model must still find the cause
when the investigation lands in that moment."""

from __future__ import annotations

import asyncio
import uuid

from kubernaut.core.signal_parsing import signals_from_payload
from kubernaut.evals.staging import incident_simulator
from kubernaut.graphs.runner import run_remediation
from kubernaut.graphs.runtime import remediation_runtime
from kubernaut.kube import KubeClient
from kubernaut.sim.scenario import builtin_scenarios_dir, load_scenario
from kubernaut.sim.server import Simulator
from kubernaut.tools.read import pod_state

OOM = load_scenario(builtin_scenarios_dir() / "oomkilled")


async def _advance_until_every_pod_runs(sim: Simulator, client: KubeClient) -> list[str]:
    """Move the (stopped) clock a second at a time until the crash-looping pods are all
    Running and ready; their status lines then."""
    for _ in range(600):
        pods = await client.list("v1", "Pod", "shop", label_selector="app=checkout")
        lines = [f"{pod_state.status_text(p)} ready={pod_state.is_ready(p)}" for p in pods]
        if pods and all(line == "Running ready=True" for line in lines):
            return lines
        await asyncio.to_thread(sim.advance, 1)
    raise AssertionError(f"the pods never ran between crashes: {lines}")


async def test_an_oomkill_is_found_while_the_pods_run_between_crashes() -> None:
    signal = signals_from_payload(OOM.signal.payload)[0]
    async with (
        incident_simulator(OOM, speed=0) as sim,
        KubeClient(sim.kubeconfig_path) as client,
    ):
        await _advance_until_every_pod_runs(sim, client)
        async with remediation_runtime(sim.kubeconfig_path) as runtime:
            final = await run_remediation(
                runtime.graph, str(uuid.uuid4()), signal.model_dump(mode="json"), execute=False
            )
    recommendation = final["recommendation"]
    assert recommendation["root_cause"]["category"] == "resource-exhaustion", recommendation
    assert "OOMKilled" in recommendation["root_cause"]["summary"]
    assert recommendation["action"]["action"] == "increase_resources"
    assert OOM.expectations.accepts(
        "increase_resources",
        recommendation["action"]["target"],
        recommendation["action"]["parameters"],
    )
