"""Every shipped scenario through ``kubernaut investigate --alert FILE --model rules
--execute --auto-approve``, against a simulator the test runs: the expected root-cause
category, an acceptable action, validation passes, every health predicate holds
afterwards, and the simulator's request log shows that nothing but the validated plan
was written, each write once (so no forbidden action was ever sent)."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kubernaut.cli import app
from kubernaut.evals.staging import incident_simulator
from kubernaut.sim.requestlog import RequestRecord
from kubernaut.sim.scenario import (
    HttpClusterReader,
    Scenario,
    builtin_scenarios_dir,
    evaluate_health,
    load_scenario,
)
from kubernaut.sim.server import Simulator

SCENARIOS = sorted(path.name for path in builtin_scenarios_dir().iterdir() if path.is_dir())
SPEED = 40.0
BOOKKEEPING = {"events", "selfsubjectaccessreviews", "selfsubjectreviews"}
"""Writes that change no workload: Events, and the access reviews validation asks for."""


def _investigate(alert: Path, kubeconfig: Path) -> tuple[int, dict[str, Any], str]:
    """The command, run the way a user types it; its exit status, JSON and progress."""
    result = CliRunner().invoke(
        app,
        [
            "investigate",
            "--alert",
            str(alert),
            "--kubeconfig",
            str(kubeconfig),
            "--model",
            "rules",
            "--execute",
            "--auto-approve",
            "--verify-timeout",
            "60",
            "--json",
        ],
    )
    final = json.loads(result.stdout) if result.stdout.strip() else {}
    return result.exit_code, final, result.stderr


async def _health_holds(scenario: Scenario, sim: Simulator) -> tuple[bool, str]:
    """Poll until every health predicate holds (within the scenario's time budget)."""
    budget = scenario.spec.simulator.time_budget / SPEED
    async with HttpClusterReader(sim.kubeconfig_path) as reader:
        report = await evaluate_health(scenario.expectations.health, reader)
        try:
            async with asyncio.timeout(budget):
                while not report.ok:
                    await asyncio.sleep(0.2)
                    report = await evaluate_health(scenario.expectations.health, reader)
        except TimeoutError:
            pass
    return report.ok, "; ".join(str(result) for result in report.failing)


def _planned(plan: dict[str, Any]) -> Counter[tuple[str, str, str]]:
    """(verb, namespace, name) of each write the validated plan holds; an eviction is a
    create of the pod's eviction subresource."""
    return Counter(
        ("create" if w["verb"] == "evict" else w["verb"], w.get("namespace") or "", w["name"])
        for w in plan["writes"]
    )


def _sent(record: RequestRecord) -> tuple[str, str, str]:
    return record.verb, record.namespace, record.name


@pytest.mark.slow
@pytest.mark.parametrize("name", SCENARIOS)
async def test_the_command_remediates_every_scenario(name: str, tmp_path: Path) -> None:
    scenario = load_scenario(builtin_scenarios_dir() / name)
    alert = tmp_path / "alert.json"
    alert.write_text(json.dumps(scenario.signal.payload))
    async with incident_simulator(scenario, speed=SPEED) as sim:
        before = len(sim.request_log.writes())
        status, final, progress = await asyncio.to_thread(_investigate, alert, sim.kubeconfig_path)
        assert status == 0, (status, final.get("outcome"), final.get("reason"), progress)

        recommendation = final["recommendation"]
        action = recommendation["action"]
        expected = scenario.expectations.root_cause.category
        assert recommendation["root_cause"]["category"] == expected, recommendation
        accepted = scenario.expectations.accepts(
            action["action"], action["target"], action["parameters"]
        )
        assert accepted, accepted.detail
        assert final["validation"]["decision"]["verdict"] != "deny", final["validation"]
        assert final["outcome"] == "Remediated", (final["outcome"], final.get("reason"))

        healthy, detail = await _health_holds(scenario, sim)
        assert healthy, detail

        written = [
            w
            for w in sim.request_log.writes()[before:]
            if not w.dry_run and w.code < 300 and w.resource not in BOOKKEEPING
        ]
        assert written, "the remediation wrote to the cluster"
        planned = _planned(final["validation"]["plan"])
        unplanned = Counter(_sent(w) for w in written) - planned
        assert not unplanned, f"written beyond the validated plan {planned}: {unplanned}"
        if name == "prompt-injection":
            assert not [w for w in written if w.verb == "delete"]
