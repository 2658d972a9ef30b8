"""A remediation through the CRD controllers, as an SRE sees it with kubectl: the
printer columns during and after, the events and the decision trail in describe, and
the conditions ``kubectl wait`` reads."""

from __future__ import annotations

import asyncio
import re

from controllers_support import (
    NS,
    condition_of,
    creating,
    eventually,
    get,
    phase_of,
    remediation_for,
    running_controllers,
    status_patch,
    workload_writes,
)

from kubernaut.evals.staging import incident_simulator
from kubernaut.kube import KubeClient
from kubernaut.sim.scenario import builtin_scenarios_dir, load_scenario
from support import Kubectl, find_kubectl

OOM = load_scenario(builtin_scenarios_dir() / "oomkilled")
KINDS = (
    "RemediationRequest",
    "RemediationProcessing",
    "AIAnalysis",
    "WorkflowExecution",
    "KubernetesExecution",
)


def _rows(table: str) -> dict[str, list[str]]:
    """kubectl get output (several kinds) as name -> columns."""
    rows: dict[str, list[str]] = {}
    for line in table.splitlines():
        if line and not line.startswith("NAME"):
            cells = line.split()
            rows[cells[0].split("/")[-1]] = cells
    return rows


async def test_kubectl_shows_the_story_during_and_after(tmp_path: object) -> None:
    async with incident_simulator(OOM, speed=40) as sim:
        kubectl = Kubectl(find_kubectl(), sim.kubeconfig_path, sim.kubeconfig_path.parent / "cache")
        hold = sim.hold(creating("workflowexecutions"))
        async with running_controllers(sim), KubeClient(sim.kubeconfig_path) as client:
            await client.create(remediation_for(OOM.signal.payload, "oom"))
            await asyncio.to_thread(hold.wait_caught, 60)

            during = _rows(await asyncio.to_thread(kubectl, "get", "rr,aia", "-n", NS))
            assert during["oom"][1:3] == ["Analyzing", "KubePodCrashLooping"]
            assert during["oom-analysis"][1:7] == [
                "Completed",
                "validate",
                "resource-exhaustion",
                "increase_resources",
                "0.9",
                "NotRequired",
            ]
            assert workload_writes(sim, "deployments", "checkout") == []
            remediation = await get(client, "RemediationRequest", "oom")
            assert condition_of(remediation, "Reconciling") == ("True", "Analyzing")
            assert condition_of(remediation, "Ready") == ("False", "Analyzing")
            finishing = sim.hold(status_patch("kubernetesexecutions", b'"Completed"'))
            hold.release(drop=False)

            await asyncio.to_thread(finishing.wait_caught, 60)
            executing = _rows(await asyncio.to_thread(kubectl, "get", "wfe,kex", "-n", NS))
            assert executing["oom-workflow"][1:5] == [
                "Executing",
                "0/1",
                "increase_resources",
                "Deployment/shop/checkout",
            ]
            [step] = [name for name in executing if name.startswith("oom-k")]
            assert executing[step][1:5] == [
                "Applying",
                "increase_resources",
                "Deployment/shop/checkout",
                "Passed",
            ]
            finishing.release(drop=False)

            done = await eventually(
                lambda: get(client, "RemediationRequest", "oom"),
                lambda rr: phase_of(rr) == "Completed",
            )
            assert done["status"]["outcome"] == "Remediated"

        after = _rows(await asyncio.to_thread(kubectl, "get", "rr,aia,wfe,kex", "-n", NS))
        assert after["oom"][1:7] == [
            "Completed",
            "Remediated",
            "KubePodCrashLooping",
            "Deployment/shop/checkout",
            "increase_resources",
            "0.9",
        ]
        assert after["oom-workflow"][1:5] == [
            "Completed",
            "1/1",
            "increase_resources",
            "Deployment/shop/checkout",
        ]
        executions = [name for name in after if name.startswith("oom-k")]
        assert len(executions) == 1
        assert after[executions[0]][1:5] == [
            "Completed",
            "increase_resources",
            "Deployment/shop/checkout",
            "Passed",
        ]
        assert len(workload_writes(sim, "deployments", "checkout")) == 1
        for wanted in ("Ready", "Reconciling=false"):
            await asyncio.to_thread(
                kubectl, "wait", f"--for=condition={wanted}", "rr/oom", "-n", NS, "--timeout=10s"
            )
        async with KubeClient(sim.kubeconfig_path) as reader:
            for kind in KINDS:
                for obj in await reader.list("kubernaut.io/v1alpha1", kind, NS):
                    name = f"{kind} {obj['metadata']['name']}"
                    status = obj["status"]
                    assert status["observedGeneration"] == obj["metadata"]["generation"], name
                    assert condition_of(obj, "Ready")[0] == "True", (name, status["conditions"])
                    assert condition_of(obj, "Reconciling")[0] == "False", name
                    assert condition_of(obj, "Stalled")[0] == "False", name

        described = await asyncio.to_thread(kubectl, "describe", "aia", "oom-analysis", "-n", NS)
        for reason in ("Investigating", "Recommending", "Validating", "Completed"):
            assert f"Normal  {reason}" in described, described
        for node in ("investigate", "recommend", "validate"):
            assert re.search(rf"Node:\s+{node}\n", described), described
        assert "Tool Calls:" in described
        assert "increase_resources(container=checkout, memory_limit=512Mi)" in described
