"""A real remediation (the OOM scenario, the rule-based model) checkpointed into one
AIAnalysis: how big its status gets, and that a new saver reads the end state back."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from checkpoint_support import (
    NAMESPACE,
    OneHolder,
    create_analysis,
    create_namespace,
    embedded,
    read_status,
)

from kubernaut.core.signal_parsing import signals_from_payload
from kubernaut.crds.install import apply_crds
from kubernaut.evals.staging import incident_simulator
from kubernaut.graphs.checkpoint import CrdCheckpointSaver
from kubernaut.graphs.runner import run_remediation, thread
from kubernaut.graphs.runtime import remediation_runtime
from kubernaut.graphs.settings import GraphSettings
from kubernaut.kube import KubeClient
from kubernaut.sim.scenario import builtin_scenarios_dir, load_scenario
from kubernaut.store import BlobStore, Database

STATUS_LIMIT = 64 * 1024


async def _approve(request: dict[str, Any]) -> dict[str, Any]:
    return {"approved": True, "by": "test", "reason": ""}


@pytest.mark.slow
async def test_an_oom_remediation_keeps_its_status_under_64_kib(kubernaut_data_dir: Path) -> None:
    scenario = load_scenario(builtin_scenarios_dir() / "oomkilled")
    signal = signals_from_payload(scenario.signal.payload)[0]
    remediation_id = str(uuid.uuid4())
    async with (
        incident_simulator(scenario, speed=40.0) as sim,
        KubeClient(sim.kubeconfig_path) as client,
        Database(embedded(kubernaut_data_dir)) as database,
    ):
        await apply_crds(client)
        await create_namespace(client, NAMESPACE)
        holder = await create_analysis(client, NAMESPACE, "aia-oom", remediation_id)
        saver = CrdCheckpointSaver(client, OneHolder(holder), BlobStore(database))
        async with remediation_runtime(
            sim.kubeconfig_path,
            settings=GraphSettings(verify_timeout=60, verify_interval=0.2),
            checkpointer=saver,
        ) as runtime:
            final = await run_remediation(
                runtime.graph,
                remediation_id,
                signal.model_dump(mode="json"),
                execute=True,
                approver=_approve,
            )
        status = await read_status(client, holder)
        reread = await CrdCheckpointSaver(
            client, OneHolder(holder), BlobStore(database)
        ).aget_tuple(thread(remediation_id))

    store = status["checkpoint"]
    size = len(json.dumps(status, separators=(",", ":")))
    refs = [entry for entry in store["values"].values() if "ref" in entry]
    print(
        f"\nOOM remediation: status {size} bytes ({size / 1024:.1f} KiB) in one AIAnalysis; "
        f"{len(store['checkpoints'])} checkpoints, {len(store['values'])} values of which "
        f"{len(refs)} in PostgreSQL ({sum(r['bytes'] for r in refs)} bytes)"
    )
    assert final["outcome"] == "Remediated", final.get("reason")
    assert size < STATUS_LIMIT
    assert reread is not None
    values = reread.checkpoint["channel_values"]
    assert values["outcome"] == "Remediated"
    assert values["messages"] == final["messages"]
    assert values["trail"] == final["trail"]
