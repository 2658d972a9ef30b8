"""Running the remediation graph for a controller: one thread per remediation (the
RemediationRequest's uid), checkpoints written into the status of the object whose
nodes run, each checkpoint persisted before the next node starts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import StateSnapshot

from kubernaut.controllers.context import ControllerContext
from kubernaut.crds import CrdObject
from kubernaut.graphs.checkpoint import CHECKPOINT_HOLDER, checkpoint_holder
from kubernaut.graphs.deps import RemediationDeps
from kubernaut.graphs.remediation import build_remediation_graph
from kubernaut.tools.executor import Executor
from kubernaut.tools.safety import SafetyValidator

Graph = CompiledStateGraph[Any, Any, Any, Any]
OnNodeStart = Callable[[str], Awaitable[None]]


def remediation_graph(ctx: ControllerContext, executor: Executor) -> Graph:
    deps = RemediationDeps(
        client=ctx.client,
        models=ctx.models,
        tools=ctx.tools,
        validator=SafetyValidator(
            ctx.client, ctx.policy, ctx.history, clock=ctx.clock, writer=ctx.workload_writer
        ),
        executor=executor,
        history=ctx.history,
        settings=ctx.graph_settings,
        clock=ctx.clock,
    )
    return build_remediation_graph(deps, ctx.checkpointer)


def thread_config(thread_id: str, holder: CrdObject) -> RunnableConfig:
    return {
        "configurable": {
            "thread_id": thread_id,
            CHECKPOINT_HOLDER: checkpoint_holder(holder.KIND, holder.namespace, holder.name),
        }
    }


async def drive(
    graph: Graph,
    config: RunnableConfig,
    start: Any,
    on_node_start: OnNodeStart,
    *,
    interrupt_before: list[str] | None = None,
) -> StateSnapshot:
    """Run from ``start`` (None: resume the thread) until the graph ends or pauses; the
    state it stopped in."""
    async for _, chunk in graph.astream(
        start,
        config,
        stream_mode=["tasks"],
        interrupt_before=interrupt_before,
        durability="sync",
    ):
        if isinstance(chunk, dict) and "input" in chunk and "name" in chunk:
            await on_node_start(str(chunk["name"]))
    return await graph.aget_state(config)


def pending_interrupt(snapshot: StateSnapshot) -> dict[str, Any] | None:
    """The payload of the interrupt the thread waits on (an approval request), if any."""
    for task in snapshot.tasks:
        for interrupt in task.interrupts:
            value = interrupt.value
            if isinstance(value, dict):
                return value
    return None
