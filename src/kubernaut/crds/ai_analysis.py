"""AIAnalysis (aia): the graph's investigate -> recommend -> validate [-> approve] part,
with the decision trail and the checkpoints that let a restarted controller resume."""

from __future__ import annotations

import enum
from typing import Any, ClassVar

from pydantic import AwareDatetime, Field

from kubernaut.core.resources import ResourceRef
from kubernaut.crds.graph_status import CheckpointStore, TokenUsage, TrailEntry
from kubernaut.crds.meta import CrdModel, CrdObject, StatusBase
from kubernaut.crds.remediation_request import SignalSpec


class AIAnalysisSpec(CrdModel):
    remediation_request: str
    remediation_uid: str = Field(description="The RemediationRequest's uid: the thread id.")
    signal: SignalSpec
    target: ResourceRef | None = None
    environment: str = ""
    priority: str = ""
    analysis_only: bool = False


class AIAnalysisPhase(enum.StrEnum):
    PENDING = "Pending"
    INVESTIGATING = "Investigating"
    RECOMMENDING = "Recommending"
    VALIDATING = "Validating"
    AWAITING_APPROVAL = "AwaitingApproval"
    COMPLETED = "Completed"
    FAILED = "Failed"

    @property
    def terminal(self) -> bool:
        return self in (AIAnalysisPhase.COMPLETED, AIAnalysisPhase.FAILED)


class ApprovalState(enum.StrEnum):
    NOT_REQUIRED = "NotRequired"
    REQUIRED = "Required"
    APPROVED = "Approved"
    REJECTED = "Rejected"
    EXPIRED = "Expired"


class RootCauseStatus(CrdModel):
    category: str
    summary: str = ""
    evidence: list[str] = Field(default_factory=list)
    target: ResourceRef | None = None


class ActionStatus(CrdModel):
    name: str
    target: ResourceRef | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)
    rationale: str = ""


class CheckStatus(CrdModel):
    name: str
    verdict: str
    detail: str = ""


class ValidationStatus(CrdModel):
    verdict: str = Field(description="allow, needs-approval or deny.")
    checks: list[CheckStatus] = Field(default_factory=list)


class AIAnalysisStatus(StatusBase):
    phase: AIAnalysisPhase = AIAnalysisPhase.PENDING
    node: str = Field(default="", description="The graph node running now, or the last one.")
    root_cause: RootCauseStatus | None = None
    action: ActionStatus | None = None
    confidence: float | None = None
    alternatives: list[ActionStatus] = Field(default_factory=list)
    validation: ValidationStatus | None = None
    approval: ApprovalState | None = None
    approval_request: str = Field(default="", description="The RemediationApproval's name.")
    outcome: str = Field(default="", description="Set when the analysis ends the remediation.")
    reason: str = ""
    model: str = Field(default="", description="The model that answered.")
    usage: TokenUsage = Field(default_factory=TokenUsage)
    started_at: AwareDatetime | None = None
    completed_at: AwareDatetime | None = None
    trail: list[TrailEntry] = Field(default_factory=list)
    checkpoint: CheckpointStore = Field(default_factory=CheckpointStore)


class AIAnalysis(CrdObject):
    KIND: ClassVar[str] = "AIAnalysis"

    spec: AIAnalysisSpec
    status: AIAnalysisStatus = Field(default_factory=AIAnalysisStatus)
