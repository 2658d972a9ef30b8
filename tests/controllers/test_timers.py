"""What comes due with time, on the simulator's clock: phase and overall timeouts end in
TimedOut with an escalation (and its webhook POST) and nothing stuck writes after; a
recently remediated or repeatedly failing target blocks a new remediation for the
configured period; finished remediations are deleted with their children after the
retention period."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import pytest
from controllers_support import (
    NS,
    eventually,
    get,
    install,
    phase_of,
    remediation_for,
    running_controllers,
    status_patch,
    workload_writes,
)

from kubernaut.controllers.settings import BlockingSettings, ControllerSettings, PhaseTimeouts
from kubernaut.crds import API_VERSION
from kubernaut.evals.staging import incident_simulator
from kubernaut.kube import KubeClient
from kubernaut.sim.scenario import builtin_scenarios_dir, load_scenario
from kubernaut.sim.server import Simulator
from support import WebhookReceiver

OOM = load_scenario(builtin_scenarios_dir() / "oomkilled")
KINDS = ("RemediationProcessing", "AIAnalysis", "WorkflowExecution", "KubernetesExecution")


async def _phase(client: KubeClient, name: str, *phases: str) -> dict[str, Any]:
    return await eventually(
        lambda: get(client, "RemediationRequest", name), lambda rr: phase_of(rr) in phases
    )


_recommending = status_patch("aianalyses", b"Recommending")
_starting_the_step = status_patch("kubernetesexecutions", b"DryRun")
STUCK = {
    "analysis": (_recommending, PhaseTimeouts(), 900, "Analyzing for more than 900s"),
    "execution": (_starting_the_step, PhaseTimeouts(), 1800, "Executing for more than 1800s"),
    "overall": (
        _recommending,
        PhaseTimeouts(overall=600),
        600,
        "not finished 600s after it started",
    ),
}


@pytest.mark.parametrize("where", STUCK)
async def test_a_stuck_remediation_times_out_with_an_escalation(where: str) -> None:
    stuck_at, timeouts, limit, why = STUCK[where]
    async with incident_simulator(OOM, speed=10) as sim:
        stuck = sim.hold(stuck_at)
        with WebhookReceiver() as receiver:
            settings = ControllerSettings(
                verify_timeout=60,
                resync=0.5,
                timeouts=timeouts,
                escalation_webhook=receiver.url,
            )
            async with (
                running_controllers(sim, settings),
                KubeClient(sim.kubeconfig_path) as client,
            ):
                await client.create(remediation_for(OOM.signal.payload, "oom"))
                await asyncio.to_thread(stuck.wait_caught, 60)
                await asyncio.to_thread(sim.advance, limit + 1)
                ended = await eventually(
                    lambda: get(client, "RemediationRequest", "oom"),
                    lambda rr: phase_of(rr) == "TimedOut",
                )
                stuck.release()  # dropped: the stuck request never reaches the cluster
                await asyncio.sleep(2)  # time for anything that would still write
                events = await client.list(
                    "v1", "Event", NS, field_selector="involvedObject.name=oom"
                )
                executions = await client.list(API_VERSION, "KubernetesExecution", NS)
            posted = list(receiver.received)
        status = ended["status"]
        assert status["outcome"] == "TimedOut"
        assert why in status["reason"]
        assert [e["reason"] for e in status["escalations"]] == ["TimedOut"]
        assert any(e["reason"] == "Escalated" and e["type"] == "Warning" for e in events)
        assert [(p["reason"], p["remediationRequest"]) for p in posted] == [
            ("TimedOut", f"{NS}/oom")
        ]
        assert why in posted[0]["message"]
        assert workload_writes(sim, "deployments", "checkout") == []
        if where == "execution":
            [execution] = executions
            assert phase_of(execution) == "Failed"
            assert "has ended (TimedOut); nothing was applied" in execution["status"]["message"]


async def test_a_remediated_target_blocks_then_the_finished_are_deleted_with_children() -> None:
    settings = ControllerSettings(
        verify_timeout=60, resync=0.5, blocking=BlockingSettings(after_success=600)
    )
    async with (
        incident_simulator(OOM, speed=20) as sim,
        running_controllers(sim, settings),
        KubeClient(sim.kubeconfig_path) as client,
    ):
        await client.create(remediation_for(OOM.signal.payload, "oom"))
        first = await _phase(client, "oom", "Completed")
        assert first["status"]["outcome"] == "Remediated"

        await client.create(remediation_for(OOM.signal.payload, "again", analysis_only=True))
        blocked = await _phase(client, "again", "Blocked")
        assert "was remediated by oom" in blocked["status"]["message"]
        until = blocked["status"]["blockedUntil"]
        completed = first["status"]["completedAt"]
        assert _seconds_between(completed, until) == 600
        await asyncio.sleep(2)
        assert phase_of(await get(client, "RemediationRequest", "again")) == "Blocked"

        await asyncio.to_thread(sim.advance, 601)
        second = await _phase(client, "again", "Completed")
        assert second["status"]["outcome"] == "Recommended"
        assert len(workload_writes(sim, "deployments", "checkout")) == 1

        children = await _children(client)
        assert {kind for kind, _ in children} == set(KINDS)
        await asyncio.to_thread(sim.advance, 24 * 3600 + 1)
        await eventually(lambda: _remediations(client), lambda names: names == [])
        await eventually(lambda: _children(client), lambda left: left == [], within=30)


async def test_repeated_failures_block_the_target_for_the_failure_period(sim: Simulator) -> None:
    settings = ControllerSettings(
        resync=0.5, blocking=BlockingSettings(failures=3, failure_period=1800)
    )
    async with KubeClient(sim.kubeconfig_path) as client:
        await install(client)
        for index in range(3):
            name = f"failed-{index}"
            await client.create(remediation_for(OOM.signal.payload, name))
            status = {"phase": "Failed", "outcome": "Failed", "completedAt": _at(sim, -60 * index)}
            await client.patch(
                API_VERSION,
                "RemediationRequest",
                NS,
                name,
                {"status": status},
                subresource="status",
            )
        async with running_controllers(sim, settings):
            await client.create(remediation_for(OOM.signal.payload, "fresh", analysis_only=True))
            blocked = await _phase(client, "fresh", "Blocked")
            assert (
                "3 remediations of Deployment/shop/checkout failed" in blocked["status"]["message"]
            )
            newest_failure = _at(sim, 0)
            assert _seconds_between(newest_failure, blocked["status"]["blockedUntil"]) <= 1800
            await asyncio.to_thread(sim.advance, 1801)
            await _phase(client, "fresh", "Processing", "Analyzing", "Completed", "Failed")


def _at(sim: Simulator, offset: float) -> str:
    return (sim.now() + timedelta(seconds=offset)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _seconds_between(earlier: str, later: str) -> float:
    return round((datetime.fromisoformat(later) - datetime.fromisoformat(earlier)).total_seconds())


async def _remediations(client: KubeClient) -> list[str]:
    found = await client.list(API_VERSION, "RemediationRequest", NS)
    return [obj["metadata"]["name"] for obj in found]


async def _children(client: KubeClient) -> list[tuple[str, str]]:
    left = []
    for kind in KINDS:
        for obj in await client.list(API_VERSION, kind, NS):
            left.append((kind, obj["metadata"]["name"]))
    return left
