"""The executor is the only component that writes to workloads: with an executor
identity set, the controllers' own identity needs no write access to workloads at all,
and every write, dry run and access review about one is sent as the executor. Without
the right to impersonate it, nothing is written and the reason says so."""

from __future__ import annotations

from typing import Any

from controllers_support import eventually, get, phase_of, remediation_for, running_controllers

from kubernaut.controllers.settings import ControllerSettings
from kubernaut.evals.staging import incident_simulator
from kubernaut.kube import KubeClient
from kubernaut.sim.scenario import builtin_scenarios_dir, load_scenario
from kubernaut.sim.server import Simulator

OOM = load_scenario(builtin_scenarios_dir() / "oomkilled")
EXECUTOR = "system:serviceaccount:kubernaut-system:kubernaut-executor"
WRITES = ("create", "update", "patch", "delete")


async def _controllers_user(sim: Simulator) -> str:
    async with KubeClient(sim.kubeconfig_path) as client:
        return await client.whoami()


def _no_workload_writes_for(sim: Simulator, user: str) -> None:
    def restrict(cluster: object) -> None:
        for verb in WRITES:
            cluster.access.deny(verb, "deployments", user=user)  # type: ignore[attr-defined]

    sim.call(restrict)


async def _remediated_with_an_executor_identity(sim: Simulator) -> dict[str, Any]:
    """The OOM remediation through controllers that write as ``EXECUTOR``, ended."""
    settings = ControllerSettings(verify_timeout=60, resync=0.5, executor_identity=EXECUTOR)
    async with running_controllers(sim, settings), KubeClient(sim.kubeconfig_path) as client:
        await client.create(remediation_for(OOM.signal.payload, "oom"))
        ended: dict[str, Any] = await eventually(
            lambda: get(client, "RemediationRequest", "oom"),
            lambda rr: phase_of(rr) in ("Completed", "Failed"),
        )
    return ended


async def test_only_the_executor_identity_writes_to_workloads() -> None:
    async with incident_simulator(OOM, speed=20) as sim:
        controllers = await _controllers_user(sim)
        _no_workload_writes_for(sim, controllers)
        done = await _remediated_with_an_executor_identity(sim)
        assert done["status"]["outcome"] == "Remediated", done["status"]
        about_the_workload = [
            r
            for r in sim.request_log.writes(include_dry_run=True)
            if r.resource == "deployments" and r.name == "checkout" and r.code < 300
        ]
        assert {(r.dry_run, r.user) for r in about_the_workload} == {
            (True, EXECUTOR),
            (False, EXECUTOR),
        }
        assert len([r for r in about_the_workload if not r.dry_run]) == 1
        reviews = [r for r in sim.request_log.writes() if r.resource == "selfsubjectaccessreviews"]
        assert reviews and {r.user for r in reviews} == {EXECUTOR}


async def test_without_the_right_to_impersonate_nothing_is_written() -> None:
    async with incident_simulator(OOM, speed=20) as sim:
        controllers = await _controllers_user(sim)
        _no_workload_writes_for(sim, controllers)
        sim.call(
            lambda cluster: cluster.access.deny("impersonate", "serviceaccounts", user=controllers)
        )
        done = await _remediated_with_an_executor_identity(sim)
        assert done["status"]["outcome"] == "ManualReviewRequired", done["status"]
        assert "cannot impersonate" in done["status"]["reason"]
        assert not [
            r
            for r in sim.request_log.writes(include_dry_run=True)
            if r.resource == "deployments" and r.code < 300
        ]
