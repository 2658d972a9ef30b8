"""What the gateway answers for each signal."""

from __future__ import annotations

import enum

from pydantic import BaseModel, Field


class Outcome(enum.StrEnum):
    CREATED = "created"
    DUPLICATE = "duplicate"
    STORM_CREATED = "storm-created"
    STORM_AGGREGATED = "storm-aggregated"
    RESOLVED = "resolved"
    NO_ACTIVE_REMEDIATION = "no-active-remediation"
    OUT_OF_SCOPE = "out-of-scope"
    IGNORED = "ignored"

    @property
    def status(self) -> int:
        if self in (Outcome.CREATED, Outcome.STORM_CREATED):
            return 201
        if self in (Outcome.DUPLICATE, Outcome.STORM_AGGREGATED):
            return 202
        return 200


class SignalResult(BaseModel):
    status: int = Field(description="201 created, 202 counted on an existing one, 200 else.")
    outcome: Outcome
    signal: str = Field(default="", description="The signal's name.")
    fingerprint: str = ""
    remediation: str = Field(default="", description="The RemediationRequest's name.")
    namespace: str = Field(default="", description="The RemediationRequest's namespace.")
    occurrences: int | None = Field(default=None, description="Its occurrence count now.")
    environment: str = ""
    priority: str = ""
    reason: str = Field(default="", description="Why nothing was started, when nothing was.")


class BatchResult(BaseModel):
    """The answer to a batch of more than one signal (207 Multi-Status)."""

    results: list[SignalResult]
