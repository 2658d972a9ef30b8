"""Objects in etcd stay small: on every shipped scenario, remediated through the
controllers (approvals granted as a person would), the largest status any Kubernaut
object was written with stays under 64 KiB."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import orjson
import pytest
from controllers_support import NS, eventually, get, phase_of, remediation_for, running_controllers

from kubernaut.crds import API_VERSION
from kubernaut.crds.definitions import ALL_KINDS
from kubernaut.evals.staging import incident_simulator
from kubernaut.kube import KubeClient
from kubernaut.sim.scenario import builtin_scenarios_dir, load_scenario

SCENARIOS = sorted(path.name for path in builtin_scenarios_dir().iterdir() if path.is_dir())
LIMIT = 64 * 1024


@contextlib.asynccontextmanager
async def approving(client: KubeClient) -> AsyncIterator[None]:
    """Approve every pending RemediationApproval, as an on-call person would."""

    async def loop() -> None:
        while True:
            for approval in await client.list(API_VERSION, "RemediationApproval", NS):
                if "decision" not in approval["spec"]:
                    patch = {"spec": {"decision": "Approved", "decidedBy": "on-call"}}
                    name = approval["metadata"]["name"]
                    await client.patch(API_VERSION, "RemediationApproval", NS, name, patch)
            await asyncio.sleep(0.2)

    task = asyncio.create_task(loop())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


@pytest.mark.slow
@pytest.mark.parametrize("name", SCENARIOS)
async def test_every_status_stays_under_64_kib(name: str) -> None:
    scenario = load_scenario(builtin_scenarios_dir() / name)
    async with (
        incident_simulator(scenario, speed=40) as sim,
        running_controllers(sim),
        KubeClient(sim.kubeconfig_path) as client,
        approving(client),
    ):
        await client.create(remediation_for(scenario.signal.payload, "incident"))
        done = await eventually(
            lambda: get(client, "RemediationRequest", "incident"),
            lambda rr: phase_of(rr) in ("Completed", "Failed", "TimedOut"),
            within=120,
        )
        sizes: dict[str, int] = {}
        for kind in ALL_KINDS:
            for obj in await client.list(API_VERSION, kind.kind, NS):
                status = len(orjson.dumps(obj.get("status") or {}))
                sizes[f"{kind.short_names[0]}/{obj['metadata']['name']}"] = status
    print(f"{name}: {done['status'].get('outcome')}; status bytes {sizes}")
    assert done["status"]["outcome"] == "Remediated", done["status"]
    assert max(sizes.values()) < LIMIT, sizes
