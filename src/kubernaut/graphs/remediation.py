"""The remediation graph: investigate -> recommend -> validate -> [approve] -> execute ->
verify, with denied recommendations sent back to recommend a bounded number of times."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from langchain_core.runnables import RunnableLambda
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from kubernaut.graphs.approval import after_approve, approve
from kubernaut.graphs.deps import RemediationDeps
from kubernaut.graphs.execute import after_execute, execute
from kubernaut.graphs.investigate import investigate
from kubernaut.graphs.recommend import recommend
from kubernaut.graphs.state import RemediationState
from kubernaut.graphs.validate import after_validate, validate
from kubernaut.graphs.verify import verify

NODES = ("investigate", "recommend", "validate", "approve", "execute", "verify")

Node = Callable[[RemediationState, RemediationDeps], Awaitable[dict[str, Any]]]


def _bound(node: Node, deps: RemediationDeps) -> Callable[[RemediationState], Any]:
    async def run(state: RemediationState) -> dict[str, Any]:
        return await node(state, deps)

    return run


def _ended_or(next_node: str) -> Callable[[RemediationState], str]:
    def route(state: RemediationState) -> str:
        return "end" if state.get("outcome") else next_node

    return route


def build_remediation_graph(
    deps: RemediationDeps, checkpointer: BaseCheckpointSaver[Any] | None = None
) -> CompiledStateGraph[Any, Any, Any, Any]:
    """The compiled graph. One thread per remediation: pass
    ``{"configurable": {"thread_id": remediation_id}}``. A checkpointer is needed for
    approval interrupts and for resuming after a stop."""
    graph: StateGraph[Any, Any, Any, Any] = StateGraph(RemediationState)
    nodes: dict[str, Node] = {
        "investigate": investigate,
        "recommend": recommend,
        "validate": validate,
        "approve": approve,
        "execute": execute,
        "verify": verify,
    }
    for name, node in nodes.items():
        graph.add_node(name, RunnableLambda(_bound(node, deps), name=name))
    graph.add_edge(START, "investigate")
    graph.add_conditional_edges(
        "investigate", _ended_or("recommend"), {"recommend": "recommend", "end": END}
    )
    graph.add_conditional_edges(
        "recommend", _ended_or("validate"), {"validate": "validate", "end": END}
    )
    graph.add_conditional_edges(
        "validate",
        after_validate,
        {"recommend": "recommend", "approve": "approve", "execute": "execute", "end": END},
    )
    graph.add_conditional_edges("approve", after_approve, {"execute": "execute", "end": END})
    graph.add_conditional_edges("execute", after_execute, {"verify": "verify", "end": END})
    graph.add_edge("verify", END)
    return graph.compile(checkpointer=checkpointer)


def initial_state(remediation_id: str, signal: dict[str, Any], *, execute: bool) -> dict[str, Any]:
    return {
        "remediation_id": remediation_id,
        "signal": signal,
        "execute": execute,
        "attempts": 0,
        "denials": [],
    }
