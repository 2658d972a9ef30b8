"""The parts of AIAnalysis and WorkflowExecution status that the remediation graph's
checkpointer writes: the readable decision trail and the checkpoint store."""

from __future__ import annotations

from typing import Any

from pydantic import AwareDatetime, Field

from kubernaut.crds.meta import CrdModel


class ToolCallRecord(CrdModel):
    tool: str
    arguments: str = Field(default="", description="The call's arguments, shortened.")
    ok: bool = True
    output_chars: int = 0


class TrailEntry(CrdModel):
    """What one node of the graph did."""

    node: str
    started: AwareDatetime
    ended: AwareDatetime
    summary: str = ""
    decision: str = ""
    tool_calls: list[ToolCallRecord] | None = Field(
        default=None, description="The tools the node called, in order."
    )


class TokenUsage(CrdModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    estimated: bool = Field(default=False, description="Estimated from characters, not counted.")


class CheckpointStore(CrdModel):
    """LangGraph checkpoints of the remediation's thread written while this object's
    nodes ran. Maps keyed by id so that each write is one merge patch; values above the
    inline budget are references to PostgreSQL (``sha256:...``)."""

    thread_id: str = ""
    checkpoints: dict[str, Any] = Field(
        default_factory=dict, description="Checkpoint id -> checkpoint, metadata, parent."
    )
    values: dict[str, Any] = Field(
        default_factory=dict, description="channel@version -> inline value or reference."
    )
    writes: dict[str, Any] = Field(
        default_factory=dict, description="Pending writes by checkpoint, task and index."
    )
    updated_at: AwareDatetime | None = None
