"""The same scenario with the same seed gives the same event sequence."""

from __future__ import annotations

import asyncio
from typing import Any

from kubernaut.sim.scenario import builtin_scenarios_dir, load_scenario
from kubernaut.sim.scenario.staging import stage_incident
from kubernaut.sim.server import Simulator


def _event_sequence(cluster: Any) -> list[tuple[str, str, str, str, int]]:
    events = cluster.store.select(cluster.resource("v1", "Event"))
    events.sort(key=lambda e: e["metadata"]["name"].rsplit(".", 1)[1])
    return [
        (
            e["involvedObject"]["kind"],
            e["involvedObject"]["name"],
            e["reason"],
            e["message"],
            e["count"],
        )
        for e in events
    ]


async def _run(name: str) -> list[tuple[str, str, str, str, int]]:
    scenario = load_scenario(builtin_scenarios_dir() / name)
    sim: Simulator
    async with scenario.build_simulator(speed=0) as sim:
        await stage_incident(scenario, sim)
        await asyncio.to_thread(sim.advance, 300)
        return await sim.acall(_event_sequence)


async def test_same_seed_same_event_sequence() -> None:
    for name in ("oomkilled", "imagepull-bad-tag", "node-disk-pressure"):
        first, second = await _run(name), await _run(name)
        assert len(first) > 10
        assert first == second, name
