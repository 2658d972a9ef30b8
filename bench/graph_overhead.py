"""The remediation graph's own overhead, with a model that answers instantly.

Run with ``make bench`` (or ``.venv/bin/python bench/graph_overhead.py [--scenario NAME]``).
Every shipped scenario (or the ones named) is staged on the simulator and remediated
by the graph from investigate to verify (an approval the policy asks for is given at
once), with the model served by the scripted OpenAI-compatible server over HTTP through
litellm. The server's replies are computed by the rule-based model at zero added
latency, so the conversation is realistic and the model's thinking time is nil.

Per node it prints the wall time between stream events, split into the node function's
own time and what is left (LangGraph's scheduling and checkpointing: the graph's
overhead); inside the node, the time spent waiting for model replies (litellm client +
HTTP) and in read tools (cluster API calls). verify's time in the node is mostly the
simulated cluster rolling out the change. Per scenario it prints the total, the graph's
overhead, the prompt tokens every request carried (counted with litellm's gpt-4o
tokenizer), and the number of model requests.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from collections import defaultdict
from datetime import datetime
from typing import Any
from uuid import UUID

from langchain_core.callbacks import AsyncCallbackHandler
from langchain_core.messages import AIMessage, convert_to_messages
from langchain_core.outputs import LLMResult
from langgraph.types import Command

from kubernaut.agents.models import ModelSettings
from kubernaut.agents.rules import RulesChatModel
from kubernaut.agents.scripted import ScriptedChatServer, ScriptedReply
from kubernaut.core.signal_parsing import signals_from_payload
from kubernaut.evals.staging import incident_simulator
from kubernaut.graphs.remediation import initial_state
from kubernaut.graphs.runner import thread
from kubernaut.graphs.runtime import remediation_runtime
from kubernaut.sim.scenario import Scenario, builtin_scenarios_dir, load_scenario

TOKENIZER = "gpt-4o"
APPROVED = {"approved": True, "by": "bench", "reason": "benchmark"}


class RulesResponder:
    """Answers chat-completions requests with what the rule-based model would say, and
    counts the prompt tokens of each request."""

    def __init__(self) -> None:
        self.model = RulesChatModel()
        self.bodies: list[dict[str, Any]] = []

    def prompt_tokens(self) -> int:
        """Counted after the run, so that counting does not slow the replies down."""
        import litellm  # after kubernaut.agents, which keeps litellm off the network

        return sum(
            litellm.token_counter(model=TOKENIZER, messages=b["messages"]) for b in self.bodies
        )

    def __call__(self, body: dict[str, Any]) -> ScriptedReply:
        self.bodies.append(body)
        messages = convert_to_messages(body["messages"])
        tools = [tool["function"]["name"] for tool in body.get("tools") or []]
        options: dict[str, Any] = {"tools": tools} if tools else {}
        reply = self.model.invoke(messages, **options)
        assert isinstance(reply, AIMessage)
        calls = [{"name": c["name"], "arguments": c["args"]} for c in reply.tool_calls]
        return ScriptedReply(content=str(reply.content) or None, tool_calls=calls)


class ModelTimer(AsyncCallbackHandler):
    """Wall time of every chat-model call, by the graph node that made it."""

    def __init__(self) -> None:
        self.started: dict[UUID, tuple[str, float]] = {}
        self.seconds: dict[str, float] = defaultdict(float)

    async def on_chat_model_start(
        self,
        serialized: dict[str, Any],
        messages: list[list[Any]],
        *,
        run_id: UUID,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        node = str((metadata or {}).get("langgraph_node", "?"))
        self.started[run_id] = (node, time.perf_counter())

    async def on_llm_end(self, response: LLMResult, *, run_id: UUID, **kwargs: Any) -> None:
        node, began = self.started.pop(run_id, ("?", time.perf_counter()))
        self.seconds[node] += time.perf_counter() - began


async def run_scenario(scenario: Scenario) -> dict[str, Any]:
    responder = RulesResponder()
    timer = ModelTimer()
    signal = signals_from_payload(scenario.signal.payload)[0].model_dump(mode="json")
    rows: list[dict[str, Any]] = []
    with ScriptedChatServer(responder) as server:
        settings = ModelSettings(api_base=server.base_url, api_key="bench", max_retries=0)
        async with (
            incident_simulator(scenario, speed=40) as sim,
            remediation_runtime(
                sim.kubeconfig_path, model="openai/scripted", model_settings=settings
            ) as runtime,
        ):
            remediation_id = str(uuid.uuid4())
            config = thread(remediation_id)
            config["callbacks"] = [timer]
            start: Any = initial_state(remediation_id, signal, execute=True)
            began = last = time.perf_counter()
            while start is not None:
                interrupted = False
                async for chunk in runtime.graph.astream(start, config, stream_mode="updates"):
                    now = time.perf_counter()
                    for node, update in chunk.items():
                        if node == "__interrupt__":
                            interrupted = True
                            continue
                        rows.append(_row(node, update, now - last, timer))
                    last = now
                start = Command(resume=APPROVED) if interrupted else None
            total = time.perf_counter() - began
            final = (await runtime.graph.aget_state(config)).values
    return {
        "scenario": scenario.name,
        "rows": rows,
        "total": total,
        "prompt_tokens": responder.prompt_tokens(),
        "requests": len(responder.bodies),
        "outcome": final.get("outcome"),
    }


def _row(node: str, update: Any, wall: float, timer: ModelTimer) -> dict[str, Any]:
    update = update if isinstance(update, dict) else {}
    entry = (update.get("trail") or [{}])[-1]
    return {
        "node": node,
        "wall": wall,
        "inside": _seconds(entry),
        "model": timer.seconds.pop(node, 0.0),
        "tools": sum(c["duration_ms"] for c in update.get("tool_calls") or []) / 1000,
    }


def _seconds(entry: dict[str, Any]) -> float:
    if not entry.get("started"):
        return 0.0
    started = datetime.fromisoformat(entry["started"])
    ended = datetime.fromisoformat(entry["ended"])
    return (ended - started).total_seconds()


def report(results: list[dict[str, Any]]) -> None:
    print("Per node, mean over scenarios (milliseconds):")
    print(f"  {'node':<12}{'wall':>9}{'in node':>9}{'model':>9}{'tools':>9}{'graph overhead':>16}")
    by_node: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for result in results:
        for row in result["rows"]:
            by_node[row["node"]].append(row)
    for node, rows in by_node.items():

        def mean(key: str, rows: list[dict[str, Any]] = rows) -> float:
            return statistics.fmean(r[key] for r in rows) * 1000

        overhead = mean("wall") - mean("inside")
        print(
            f"  {node:<12}{mean('wall'):>9.1f}{mean('inside'):>9.1f}{mean('model'):>9.1f}"
            f"{mean('tools'):>9.1f}{overhead:>16.1f}"
        )
    print()
    print("Per remediation (investigate to verify):")
    print(
        f"  {'scenario':<26}{'total ms':>9}{'overhead ms':>12}{'requests':>9}"
        f"{'prompt tokens':>14}  outcome"
    )
    for result in results:
        overhead = sum(r["wall"] - r["inside"] for r in result["rows"]) * 1000
        print(
            f"  {result['scenario']:<26}{result['total'] * 1000:>9.0f}{overhead:>12.1f}"
            f"{result['requests']:>9}{result['prompt_tokens']:>14}  {result['outcome']}"
        )


async def main(names: list[str]) -> None:
    root = builtin_scenarios_dir()
    chosen = names or sorted(path.name for path in root.iterdir() if path.is_dir())
    results = []
    for name in chosen:
        results.append(await run_scenario(load_scenario(root / name)))
    report(results)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scenario", action="append", default=[], help="Scenario name (repeatable)."
    )
    asyncio.run(main(parser.parse_args().scenario))
