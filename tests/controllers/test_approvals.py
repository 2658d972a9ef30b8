"""Approvals through the controllers: needs-approval pauses the remediation with phase
AwaitingApproval and a RemediationApproval; approve resumes it to the end; reject and
expiry end it without any write to the workload. Who may decide is RBAC's call."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from controllers_support import (
    NS,
    condition_of,
    eventually,
    get,
    install,
    phase_of,
    remediation_for,
    running_controllers,
    workload_writes,
)

from kubernaut.commands.approve import approve
from kubernaut.evals.staging import incident_simulator
from kubernaut.kube import KubeClient
from kubernaut.sim.kubeconfig import write_kubeconfig
from kubernaut.sim.scenario import builtin_scenarios_dir, load_scenario
from kubernaut.sim.server import Simulator
from kubernaut.tools.safety import SafetyPolicy
from kubernaut.tools.safety.policy import ApprovalPolicy

OOM = load_scenario(builtin_scenarios_dir() / "oomkilled")
ASK_ALWAYS = SafetyPolicy(approval=ApprovalPolicy(require_for_all=True))


@contextlib.asynccontextmanager
async def paused() -> AsyncIterator[tuple[Simulator, KubeClient]]:
    """The OOM remediation, waiting for a person."""
    async with (
        incident_simulator(OOM, speed=40) as sim,
        running_controllers(sim, policy=ASK_ALWAYS),
        KubeClient(sim.kubeconfig_path) as client,
    ):
        await client.create(remediation_for(OOM.signal.payload, "oom"))
        await eventually(
            lambda: get(client, "RemediationRequest", "oom"),
            lambda rr: phase_of(rr) == "AwaitingApproval",
        )
        yield sim, client


def _decide(sim: Simulator, *, reject: bool = False, reason: str = "") -> int:
    return approve(
        "oom",
        reject=reject,
        reason=reason,
        namespace=NS,
        kubeconfig=sim.kubeconfig_path,
        context=None,
    )


async def _finished(client: KubeClient) -> dict[str, Any]:
    return await eventually(
        lambda: get(client, "RemediationRequest", "oom"),
        lambda rr: phase_of(rr) in ("Completed", "Failed"),
    )


async def test_needs_approval_pauses_then_approve_completes() -> None:
    async with paused() as (sim, client):
        analysis = await get(client, "AIAnalysis", "oom-analysis")
        assert phase_of(analysis) == "AwaitingApproval"
        assert analysis["status"]["approval"] == "Required"
        approval = await get(client, "RemediationApproval", "oom-approval")
        assert phase_of(approval) == "Pending"
        assert approval["spec"]["action"] == "increase_resources"
        assert approval["spec"]["parameters"] == {"container": "checkout", "memory_limit": "512Mi"}
        assert any("approval" in reason for reason in approval["spec"]["reasons"])
        assert workload_writes(sim, "deployments", "checkout") == []

        assert await asyncio.to_thread(_decide, sim, reason="looks right") == 0

        done = await _finished(client)
        assert done["status"]["outcome"] == "Remediated"
        approval = await get(client, "RemediationApproval", "oom-approval")
        assert phase_of(approval) == "Approved"
        assert approval["status"]["decidedBy"] == "kubernetes-admin"
        assert (await get(client, "AIAnalysis", "oom-analysis"))["status"]["approval"] == "Approved"
        assert len(workload_writes(sim, "deployments", "checkout")) == 1
        assert await _event_reasons(client, "oom-approval") == ["ApprovalRequested", "Approved"]


async def test_reject_ends_without_a_write() -> None:
    async with paused() as (sim, client):
        assert await asyncio.to_thread(_decide, sim, reject=True, reason="not during the sale") == 0
        done = await _finished(client)
        assert done["status"]["outcome"] == "Rejected"
        assert "not during the sale" in done["status"]["reason"]
        assert condition_of(done, "Stalled") == ("True", "Rejected")
        assert condition_of(done, "Ready") == ("False", "Rejected")
        assert phase_of(await get(client, "RemediationApproval", "oom-approval")) == "Rejected"
        assert await _event_reasons(client, "oom-approval") == ["ApprovalRequested", "Rejected"]
        assert await get_executions(client) == []
        assert workload_writes(sim, "deployments", "checkout") == []


async def test_expiry_ends_in_manual_review_without_a_write() -> None:
    async with paused() as (sim, client):
        await asyncio.to_thread(sim.advance, 15 * 60 + 1)
        done = await _finished(client)
        assert done["status"]["outcome"] == "ManualReviewRequired"
        assert "expired" in done["status"]["reason"]
        assert [e["reason"] for e in done["status"]["escalations"]] == ["ManualReviewRequired"]
        assert phase_of(await get(client, "RemediationApproval", "oom-approval")) == "Expired"
        assert await _event_reasons(client, "oom-approval") == ["ApprovalRequested", "Expired"]
        assert workload_writes(sim, "deployments", "checkout") == []
        assert await asyncio.to_thread(_decide, sim) == 1, "an expired approval cannot be decided"


async def _event_reasons(client: KubeClient, name: str) -> list[str]:
    """The reasons of the Events about ``name``, oldest first, as kubectl describe lists
    them."""
    events = await client.list("v1", "Event", NS, field_selector=f"involvedObject.name={name}")
    ordered = sorted(events, key=lambda e: int(e["metadata"]["resourceVersion"]))
    return [e["reason"] for e in ordered]


async def get_executions(client: KubeClient) -> list[dict[str, Any]]:
    return await client.list("kubernaut.io/v1alpha1", "KubernetesExecution", NS)


async def test_who_may_decide_is_an_rbac_question(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async with Simulator(tokens={"bob-token": "bob"}) as sim:
        sim.call(lambda cluster: cluster.access.deny("patch", "remediationapprovals", user="bob"))
        bob = write_kubeconfig(tmp_path / "bob", sim.url, "bob-token")
        async with KubeClient(sim.kubeconfig_path) as client:
            await install(client)
            await client.create(
                {
                    "apiVersion": "kubernaut.io/v1alpha1",
                    "kind": "RemediationApproval",
                    "metadata": {"name": "web-approval", "namespace": NS},
                    "spec": {
                        "remediationRequest": "web",
                        "analysis": "web-analysis",
                        "action": "restart_deployment",
                        "target": {"kind": "Deployment", "namespace": "shop", "name": "web"},
                        "expiresAt": "2099-01-01T00:00:00Z",
                    },
                }
            )
            refused = await asyncio.to_thread(
                approve, "web", reject=False, reason="", namespace=NS, kubeconfig=bob, context=None
            )
            error = capsys.readouterr().err
            assert refused == 1
            assert "bob may not decide approvals" in error and "patch" in error
            untouched = await get(client, "RemediationApproval", "web-approval")
            assert "decision" not in untouched["spec"]

            allowed = await asyncio.to_thread(
                approve,
                "web",
                reject=False,
                reason="",
                namespace=NS,
                kubeconfig=sim.kubeconfig_path,
                context=None,
            )
            assert allowed == 0
            decided = await get(client, "RemediationApproval", "web-approval")
            assert decided["spec"]["decision"] == "Approved"
            assert decided["spec"]["decidedBy"] == "kubernetes-admin"
