"""Analysis-only mode (``KUBERNAUT_ANALYSIS_ONLY=true``, ``serve controllers
--analysis-only``): the dry-run mode of the whole controller, not of one request. Every
remediation stops after analysis with outcome Recommended; nothing is written to the
workload."""

from __future__ import annotations

import pytest
from controllers_support import (
    eventually,
    get,
    phase_of,
    remediation_for,
    running_controllers,
    workload_writes,
)

from kubernaut.controllers.settings import ControllerSettings
from kubernaut.evals.staging import incident_simulator
from kubernaut.kube import KubeClient
from kubernaut.sim.scenario import builtin_scenarios_dir, load_scenario

OOM = load_scenario(builtin_scenarios_dir() / "oomkilled")


async def test_analysis_only_mode_recommends_and_writes_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KUBERNAUT_ANALYSIS_ONLY", "true")
    settings = ControllerSettings(verify_timeout=60, resync=0.5)
    assert settings.analysis_only
    async with (
        incident_simulator(OOM, speed=20) as sim,
        running_controllers(sim, settings),
        KubeClient(sim.kubeconfig_path) as client,
    ):
        await client.create(remediation_for(OOM.signal.payload, "oom"))
        done = await eventually(
            lambda: get(client, "RemediationRequest", "oom"),
            lambda rr: phase_of(rr) in ("Completed", "Failed"),
        )
        workflows = await client.list(
            "kubernaut.io/v1alpha1", "WorkflowExecution", "kubernaut-system"
        )
    assert done["status"]["outcome"] == "Recommended", done["status"]
    assert done["status"]["action"] == "increase_resources"
    assert workflows == []
    assert workload_writes(sim, "deployments", "checkout") == []
