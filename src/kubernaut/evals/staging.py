"""A scenario's simulator, brought to the moment its signal fires."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from kubernaut.sim.scenario import Scenario
from kubernaut.sim.scenario.staging import stage_incident
from kubernaut.sim.server import Simulator


@contextlib.asynccontextmanager
async def incident_simulator(scenario: Scenario, *, speed: float) -> AsyncIterator[Simulator]:
    """The scenario's cluster running at ``speed``, with its incident applied and its
    warm-up time already passed, so the symptoms are there when the signal is read."""
    async with scenario.build_simulator(speed=speed) as simulator:
        await stage_incident(scenario, simulator)
        await asyncio.to_thread(simulator.advance, scenario.spec.simulator.warmup)
        yield simulator
