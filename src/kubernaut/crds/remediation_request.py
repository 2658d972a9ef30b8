"""RemediationRequest (rr): one incident. The gateway creates it from a signal; the
orchestrator drives its children and rolls their state up into its status."""

from __future__ import annotations

import enum
from typing import Any, ClassVar

from pydantic import AwareDatetime, Field

from kubernaut.core.resources import ResourceRef
from kubernaut.core.signal import Signal, SignalSource, SignalStatus
from kubernaut.crds.meta import CrdModel, CrdObject, StatusBase


class SignalSpec(CrdModel):
    """The signal as the gateway normalised it (its raw payload is not kept)."""

    source: SignalSource
    name: str = Field(description="Alert name or event reason, e.g. KubePodCrashLooping.")
    severity: str = "warning"
    summary: str = ""
    description: str = ""
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)
    starts_at: AwareDatetime | None = None

    @classmethod
    def of(cls, signal: Signal) -> SignalSpec:
        return cls(
            source=signal.source,
            name=signal.name,
            severity=signal.severity,
            summary=signal.summary,
            description=signal.description,
            labels=dict(signal.labels),
            annotations=dict(signal.annotations),
            starts_at=signal.started_at,
        )

    def signal(self, target: ResourceRef | None) -> Signal:
        return Signal(
            source=self.source,
            name=self.name,
            status=SignalStatus.FIRING,
            severity=self.severity,
            target=target,
            summary=self.summary,
            description=self.description,
            labels=dict(self.labels),
            annotations=dict(self.annotations),
            started_at=self.starts_at,
        )


class StormSpec(CrdModel):
    """Many signals of one name across targets in a short window, aggregated into one
    remediation that a person looks at."""

    alert_name: str
    targets: list[ResourceRef] = Field(default_factory=list)
    count: int = Field(ge=1, description="Signals aggregated so far.")
    window_seconds: int = Field(ge=1, description="The window they arrived in.")


class RemediationRequestSpec(CrdModel):
    signal: SignalSpec
    target: ResourceRef | None = Field(
        default=None, description="The signal's object, resolved to its top-level owner."
    )
    fingerprint: str = Field(description="Identifies the incident across repeats.")
    environment: str = Field(default="", description="production, staging, development, ...")
    priority: str = Field(default="", description="P0 (most urgent) to P3.")
    analysis_only: bool = Field(
        default=False, description="Stop after analysis: recommend, never execute."
    )
    storm: StormSpec | None = None


class RemediationPhase(enum.StrEnum):
    PENDING = "Pending"
    BLOCKED = "Blocked"
    """The target was remediated recently or fails repeatedly: waits until blockedUntil."""
    PROCESSING = "Processing"
    ANALYZING = "Analyzing"
    AWAITING_APPROVAL = "AwaitingApproval"
    EXECUTING = "Executing"
    COMPLETED = "Completed"
    FAILED = "Failed"
    TIMED_OUT = "TimedOut"

    @property
    def terminal(self) -> bool:
        return self in (
            RemediationPhase.COMPLETED,
            RemediationPhase.FAILED,
            RemediationPhase.TIMED_OUT,
        )


_TERMINAL = frozenset(
    {RemediationPhase.COMPLETED, RemediationPhase.FAILED, RemediationPhase.TIMED_OUT}
)


class Deduplication(CrdModel):
    occurrences: int = Field(default=1, ge=1, description="Signals received for this incident.")
    first_seen: AwareDatetime | None = None
    last_seen: AwareDatetime | None = None


class Children(CrdModel):
    """Names of the child objects, in the RemediationRequest's namespace."""

    processing: str = ""
    analysis: str = ""
    execution: str = ""
    approval: str = ""


class Escalation(CrdModel):
    reason: str = Field(description="TimedOut, Storm, ManualReviewRequired, ...")
    message: str = ""
    at: AwareDatetime


class RemediationRequestStatus(StatusBase):
    phase: RemediationPhase = RemediationPhase.PENDING
    outcome: str = Field(default="", description="How it ended: Remediated, Recommended, ...")
    reason: str = ""
    target: str = Field(default="", description="The target as Kind/namespace/name.")
    action: str = ""
    confidence: float | None = None
    root_cause: str = Field(default="", description="The root-cause category.")
    environment: str = ""
    priority: str = ""
    phase_started_at: AwareDatetime | None = None
    started_at: AwareDatetime | None = Field(
        default=None, description="When processing began (after any block)."
    )
    completed_at: AwareDatetime | None = None
    blocked_until: AwareDatetime | None = None
    children: Children = Field(default_factory=Children)
    deduplication: Deduplication = Field(default_factory=Deduplication)
    signal_resolved_at: AwareDatetime | None = None
    escalations: list[Escalation] = Field(default_factory=list)


class RemediationRequest(CrdObject):
    KIND: ClassVar[str] = "RemediationRequest"

    spec: RemediationRequestSpec
    status: RemediationRequestStatus = Field(default_factory=RemediationRequestStatus)

    def signal(self) -> Signal:
        return self.spec.signal.signal(self.spec.target)

    def graph_signal(self) -> dict[str, Any]:
        """The signal as the remediation graph's state holds it."""
        return self.signal().model_dump(mode="json")
