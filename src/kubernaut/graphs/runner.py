"""Running one remediation to its end: streaming node updates, answering approvals."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command

from kubernaut.graphs.remediation import initial_state

OnUpdate = Callable[[str, dict[str, Any]], None]
"""Called with each node's name and state update as the node finishes."""
Approver = Callable[[dict[str, Any]], Awaitable[dict[str, Any] | None]]
"""Gets the approval request; returns the resume value, or None to leave it pending."""

AWAITING_APPROVAL = "AwaitingApproval"


def thread(remediation_id: str) -> RunnableConfig:
    return {"configurable": {"thread_id": remediation_id}}


async def run_remediation(
    graph: CompiledStateGraph[Any, Any, Any, Any],
    remediation_id: str,
    signal: dict[str, Any],
    *,
    execute: bool,
    on_update: OnUpdate | None = None,
    approver: Approver | None = None,
) -> dict[str, Any]:
    """Run until the graph ends or waits for an approval nobody gave; the final state,
    with ``outcome`` ``AwaitingApproval`` in the latter case."""
    state = initial_state(remediation_id, signal, execute=execute)
    return await resume_remediation(
        graph, remediation_id, state, on_update=on_update, approver=approver
    )


async def resume_remediation(
    graph: CompiledStateGraph[Any, Any, Any, Any],
    remediation_id: str,
    start: dict[str, Any] | Command[Any] | None = None,
    *,
    on_update: OnUpdate | None = None,
    approver: Approver | None = None,
) -> dict[str, Any]:
    """Continue a thread from its last checkpoint (``start`` None), with an approval
    answer (a ``Command``), or from a fresh state."""
    config = thread(remediation_id)
    next_input: Any = start
    while True:
        pending: dict[str, Any] | None = None
        async for chunk in graph.astream(next_input, config, stream_mode="updates"):
            for node, update in chunk.items():
                if node == "__interrupt__":
                    pending = update[0].value
                elif on_update is not None and isinstance(update, dict):
                    on_update(node, update)
        final: dict[str, Any] = dict((await graph.aget_state(config)).values)
        if pending is None:
            return final
        answer = await approver(pending) if approver is not None else None
        if answer is None:
            final["outcome"] = AWAITING_APPROVAL
            final["reason"] = "approval needed: " + "; ".join(pending.get("reasons") or [])
            final["approval_request"] = pending
            return final
        next_input = Command(resume=answer)
