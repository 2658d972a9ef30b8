"""The remediation graph's state.

Values other than messages are JSON-shaped (``model_dump(mode="json")`` of the core
models) so that any checkpointer can store them and a person can read them.
"""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages


def add_usage(left: dict[str, int] | None, right: dict[str, int] | None) -> dict[str, int]:
    """Token usage adds up across nodes."""
    total = dict(left or {})
    for key, value in (right or {}).items():
        total[key] = total.get(key, 0) + value
    return total


class RemediationState(TypedDict, total=False):
    remediation_id: str
    signal: dict[str, Any]
    execute: bool
    """False: stop after validation (analysis only)."""
    messages: Annotated[list[AnyMessage], add_messages]
    health_before: dict[str, Any]
    recommendation: dict[str, Any] | None
    attempts: int
    """Recommendations made so far (each denial sends the graph back to recommend)."""
    denials: list[dict[str, Any]]
    """Each denied recommendation with the reasons, so the next attempt can avoid them."""
    validation: dict[str, Any]
    """The policy decision and the validated plan."""
    approval: dict[str, Any]
    step: dict[str, Any]
    result: dict[str, Any]
    verification: dict[str, Any]
    outcome: str
    reason: str
    usage: Annotated[dict[str, int], add_usage]
    tool_calls: Annotated[list[dict[str, Any]], operator.add]
    trail: Annotated[list[dict[str, Any]], operator.add]
    """One entry per node run: node, start, end, summary, decision."""
