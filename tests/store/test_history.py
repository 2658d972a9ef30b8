"""The remediation history in PostgreSQL: shared by every replica, kept across restarts,
recorded once per step, and read by the safety checks."""

from __future__ import annotations

import asyncio
import sys
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from kubernaut.core.policy import Verdict
from kubernaut.core.recommendation import ProposedAction
from kubernaut.core.resources import ResourceRef
from kubernaut.kube import KubeClient
from kubernaut.sim.server import Simulator
from kubernaut.store import Database, PostgresHistory, StoreSettings
from kubernaut.tools.safety import HistoryEntry, SafetyPolicy, SafetyValidator
from support import embedded_data_dir

WEB = ResourceRef(kind="Deployment", namespace="shop", name="web")
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _scale(at: datetime, *, step_key: str = "", replicas: int = 3) -> HistoryEntry:
    return HistoryEntry(
        target=WEB,
        action="scale_deployment",
        parameters={"replicas": replicas, "note": {"why": "load"}},
        at=at,
        remediation_id="rr-1",
        replicas_before=2,
        replicas_after=replicas,
        step_key=step_key,
    )


async def test_entries_since_a_time_come_back_oldest_first_and_whole(database_url: str) -> None:
    async with Database() as database:
        history = PostgresHistory(database)
        entries = [_scale(NOW - timedelta(seconds=age), replicas=age) for age in (30, 900, 10)]
        for entry in entries:
            await history.record(entry)

        recent = await history.entries(NOW - timedelta(seconds=60))

    assert recent == [entries[0], entries[2]]


async def test_a_step_is_recorded_once_however_often_it_is_reported(database_url: str) -> None:
    async with Database() as database:
        history = PostgresHistory(database)
        await history.record(_scale(NOW, step_key="k-1"))
        await history.record(_scale(NOW + timedelta(seconds=5), step_key="k-1"))
        await history.record(_scale(NOW))
        await history.record(_scale(NOW))

        found = await history.entries(NOW - timedelta(hours=1))

    assert [entry.step_key for entry in found] == ["k-1", "", ""]
    assert found[0].at == NOW


async def test_another_replica_and_a_restarted_one_see_the_entries(database_url: str) -> None:
    async with Database() as replica_a, Database() as replica_b:
        await PostgresHistory(replica_a).record(_scale(NOW, step_key="k-a"))
        seen_by_b = await PostgresHistory(replica_b).entries(NOW)
    async with Database() as restarted:
        seen_after_restart = await PostgresHistory(restarted).entries(NOW)

    assert [entry.step_key for entry in seen_by_b] == ["k-a"]
    assert seen_after_restart == seen_by_b


RECORD_AND_EXIT = """
import asyncio, sys
from datetime import UTC, datetime
from pathlib import Path
from kubernaut.core.resources import ResourceRef
from kubernaut.store import Database, PostgresHistory, StoreSettings
from kubernaut.tools.safety import HistoryEntry

async def main() -> None:
    async with Database(StoreSettings(data_dir=Path(sys.argv[1]))) as database:
        await PostgresHistory(database).record(HistoryEntry(
            target=ResourceRef(kind="Deployment", namespace="shop", name="web"),
            action="restart_deployment", at=datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
            step_key="k-before-restart"))

asyncio.run(main())
"""


@pytest.mark.slow
async def test_the_embedded_server_keeps_the_history_across_a_restart(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another process records and exits, which stops its embedded server; this process
    starts the server again on the same data directory and finds the entry."""
    monkeypatch.delenv("KUBERNAUT_DATABASE_URL", raising=False)
    with embedded_data_dir() as data_dir:
        recorder = await asyncio.create_subprocess_exec(
            sys.executable, "-c", RECORD_AND_EXIT, str(data_dir)
        )
        assert await asyncio.wait_for(recorder.wait(), 60) == 0
        assert not (data_dir / "pgdata" / "postmaster.pid").exists(), "the server stopped"

        async with Database(StoreSettings(data_dir=data_dir)) as database:
            found = await PostgresHistory(database).entries(NOW - timedelta(days=1))

    assert [entry.step_key for entry in found] == ["k-before-restart"]


async def _pods_running(client: KubeClient, namespace: str, count: int) -> None:
    async with asyncio.timeout(20):
        while True:
            if len(await client.list("v1", "Pod", namespace)) >= count:
                return
            await asyncio.sleep(0.05)


async def test_the_cooldown_holds_for_an_action_another_replica_applied(
    database_url: str, sim: Simulator
) -> None:
    sim.apply(
        [
            {
                "apiVersion": "v1",
                "kind": "Namespace",
                "metadata": {"name": "shop", "labels": {"kubernaut.io/managed": "true"}},
            },
            {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"}},
                "spec": {
                    "replicas": 2,
                    "selector": {"matchLabels": {"app": "web"}},
                    "template": {
                        "metadata": {"labels": {"app": "web"}},
                        "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
                    },
                },
            },
        ]
    )
    restart = ProposedAction(action="restart_deployment", target=WEB)
    async with (
        Database() as replica_a,
        Database() as replica_b,
        KubeClient(sim.kubeconfig_path) as client,
    ):
        await _pods_running(client, "shop", 2)
        await PostgresHistory(replica_a).record(
            HistoryEntry(target=WEB, action="restart_deployment", at=NOW - timedelta(seconds=100))
        )
        validator = SafetyValidator(
            client, SafetyPolicy(), PostgresHistory(replica_b), clock=lambda: NOW
        )
        validation = await validator.validate(restart, confidence=0.95, step_key=str(uuid.uuid4()))

    assert validation.decision.verdict is Verdict.DENY
    assert [r for r in validation.decision.reasons if r.startswith("cooldown:")] == [
        "cooldown: restart_deployment was applied to Deployment shop/web 100 s ago; "
        "cooldown.seconds is 300: not again before 2026-03-01T12:03:20+00:00"
    ]
