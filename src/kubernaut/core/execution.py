"""The result of executing one step."""

from __future__ import annotations

import enum
from typing import Any

from pydantic import BaseModel, Field


class StepStatus(enum.StrEnum):
    APPLIED = "applied"
    ALREADY_APPLIED = "already-applied"
    """The step's idempotency key was found on the cluster: nothing was written again."""
    FAILED = "failed"
    ROLLED_BACK = "rolled-back"


class StepResult(BaseModel):
    key: str
    status: StepStatus
    message: str = ""
    pre_state: dict[str, Any] = Field(
        default_factory=dict,
        description="What the step changed, as it was before: enough to roll it back.",
    )
    writes: int = Field(default=0, description="API writes the step made (dry runs excluded).")
