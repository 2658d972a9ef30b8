"""Bounds of a remediation run."""

from __future__ import annotations

from pydantic import BaseModel, Field


class GraphSettings(BaseModel):
    max_tool_rounds: int = Field(default=6, ge=1, description="Model turns in investigate.")
    max_tool_calls: int = Field(default=24, ge=1, description="Tool calls in investigate.")
    investigation_token_budget: int = Field(
        default=60_000, ge=1000, description="Prompt tokens investigate may spend."
    )
    max_recommendations: int = Field(
        default=3, ge=1, description="Recommendations tried before ManualReviewRequired."
    )
    tool_output_tokens: int = Field(default=2000, ge=100, description="Per tool output.")
    verify_timeout: float = Field(
        default=120.0, gt=0, description="Seconds verify waits for the target to recover."
    )
    verify_interval: float = Field(default=1.0, gt=0, description="Seconds between checks.")
