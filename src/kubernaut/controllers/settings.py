"""What the controllers do and how long they wait, from flags or ``KUBERNAUT_*``."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_NAMESPACE = "kubernaut-system"


class PhaseTimeouts(BaseSettings):
    """Seconds a RemediationRequest may stay in a phase before it ends TimedOut.
    ``KUBERNAUT_TIMEOUT_<PHASE>``; approvals have their own expiry."""

    model_config = SettingsConfigDict(env_prefix="KUBERNAUT_TIMEOUT_", extra="forbid")

    overall: float = Field(default=3600.0, gt=0, description="From processing to the end.")
    processing: float = Field(default=300.0, gt=0)
    analyzing: float = Field(default=900.0, gt=0)
    executing: float = Field(default=1800.0, gt=0)


class BlockingSettings(BaseSettings):
    """When a new remediation of a target waits (phase Blocked) instead of starting.
    ``KUBERNAUT_BLOCK_*``."""

    model_config = SettingsConfigDict(env_prefix="KUBERNAUT_BLOCK_", extra="forbid")

    after_success: float = Field(
        default=600.0,
        ge=0,
        description="Seconds after a remediation of the target ended Remediated (0: never).",
    )
    failures: int = Field(
        default=3, ge=1, description="Failed remediations of the target in failure_window..."
    )
    failure_window: float = Field(default=3600.0, gt=0)
    failure_period: float = Field(
        default=3600.0, gt=0, description="...block it this long after the last failure."
    )


class ControllerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KUBERNAUT_", extra="ignore")

    namespace: str = Field(
        default=DEFAULT_NAMESPACE, description="Where RemediationRequests and children live."
    )
    model: str = Field(default="rules", description="'rules' or a litellm model string.")
    fallbacks: list[str] = Field(default_factory=list)
    policy_file: Path | None = None
    analysis_only: bool = Field(
        default=False, description="Dry-run mode: every remediation stops after analysis."
    )
    approval_expiry: float = Field(
        default=900.0, gt=0, description="Seconds an approval request waits for a person."
    )
    retention: float = Field(
        default=86400.0, gt=0, description="Seconds a finished remediation is kept."
    )
    resync: float = Field(
        default=5.0, gt=0, description="Seconds between sweeps of timers and missed events."
    )
    verify_timeout: float = Field(default=120.0, gt=0)
    max_analyses: int = Field(
        default=16,
        ge=1,
        description="Analyses (model and tool calls) running at once; the rest wait their turn.",
    )
    escalation_webhook: str | None = Field(
        default=None, description="A URL that gets a JSON POST for every escalation."
    )
    executor_identity: str | None = Field(
        default=None,
        description="The user the executor writes to workloads as (Impersonate-User), e.g. "
        "system:serviceaccount:kubernaut-system:kubernaut-executor; none: the controllers' "
        "own identity.",
    )
    timeouts: PhaseTimeouts = Field(default_factory=PhaseTimeouts)
    blocking: BlockingSettings = Field(default_factory=BlockingSettings)
