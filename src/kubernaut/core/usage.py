"""Accounting a remediation keeps: model tokens and tool calls."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class TokenUsage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def __add__(self, other: TokenUsage) -> TokenUsage:
        return TokenUsage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
        )


class ToolCallRecord(BaseModel):
    node: str = Field(description="The graph node that made the call.")
    tool: str
    arguments: dict[str, Any] = Field(default_factory=dict)
    ok: bool = True
    output_chars: int = 0
    duration_ms: float = 0.0
