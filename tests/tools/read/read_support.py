"""Shared pieces of the read-tool tests: a built-in scenario staged on a simulator with
manual time, and calling a tool the way the agent does (``ainvoke``)."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from kubernaut.kube import KubeClient
from kubernaut.sim.scenario import builtin_scenarios_dir, load_scenario
from kubernaut.sim.scenario.staging import stage_incident
from kubernaut.sim.server import Simulator
from kubernaut.tools.read import build_read_tools
from kubernaut.tools.untrusted import unframe

Obj = dict[str, Any]


@contextmanager
def staged(name: str, extra: list[Obj] | None = None) -> Iterator[Simulator]:
    """Scenario ``name`` with its incident in full swing (after its warm-up), plus the
    ``extra`` objects created at the start. Time stands still unless a test moves it."""
    scenario = load_scenario(builtin_scenarios_dir() / name)
    manifests = [*copy.deepcopy(scenario.manifests), *(extra or [])]
    with scenario.build_simulator(speed=0, manifests=manifests) as sim:
        asyncio.run(stage_incident(scenario, sim))
        sim.advance(scenario.spec.simulator.warmup)
        yield sim


async def invoke(sim: Simulator, tool: str, output_tokens: int = 2000, **arguments: Any) -> str:
    """The text ``tool`` answers for ``arguments``, through LangChain's ``ainvoke``."""
    async with KubeClient(sim.kubeconfig_path) as client:
        tools = {each.name: each for each in build_read_tools(client, output_tokens=output_tokens)}
        answer = await tools[tool].ainvoke(arguments)
    assert isinstance(answer, str)
    return answer


async def read(sim: Simulator, tool: str, **arguments: Any) -> Any:
    """The YAML body of ``tool``'s answer, checking that it is framed as untrusted data
    by that tool."""
    text = await invoke(sim, tool, **arguments)
    unframed = unframe(text)
    assert unframed is not None, text
    name, body = unframed
    assert name == tool
    return body


def secret_requests(sim: Simulator) -> list[Any]:
    """Every request the API server saw for Secrets."""
    return sim.request_log.records(lambda record: record.resource == "secrets")
