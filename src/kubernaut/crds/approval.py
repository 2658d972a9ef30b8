"""RemediationApproval: a person's decision on an action that policy will not run on its
own. Like a CertificateSigningRequest, who may decide is a Kubernetes RBAC question:
whoever may patch RemediationApprovals in the namespace. The decision goes in ``spec``
(it is what a person wants); the controller reports it, or the expiry, in ``status``."""

from __future__ import annotations

import enum
from typing import Any, ClassVar

from pydantic import AwareDatetime, Field

from kubernaut.core.resources import ResourceRef
from kubernaut.crds.meta import CrdModel, CrdObject, StatusBase


class ApprovalDecision(enum.StrEnum):
    APPROVED = "Approved"
    REJECTED = "Rejected"


class RemediationApprovalSpec(CrdModel):
    remediation_request: str
    analysis: str
    action: str
    target: ResourceRef
    parameters: dict[str, Any] = Field(default_factory=dict)
    summary: str = Field(default="", description="What would be written.")
    confidence: float | None = None
    reasons: list[str] = Field(default_factory=list, description="Why policy asks a person.")
    expires_at: AwareDatetime
    decision: ApprovalDecision | None = Field(
        default=None, description="Set by the approver: Approved or Rejected."
    )
    decided_by: str = ""
    decision_reason: str = ""


class ApprovalPhase(enum.StrEnum):
    PENDING = "Pending"
    APPROVED = "Approved"
    REJECTED = "Rejected"
    EXPIRED = "Expired"

    @property
    def terminal(self) -> bool:
        return self is not ApprovalPhase.PENDING


class RemediationApprovalStatus(StatusBase):
    phase: ApprovalPhase = ApprovalPhase.PENDING
    target: str = ""
    decided_by: str = ""
    decided_at: AwareDatetime | None = None


class RemediationApproval(CrdObject):
    KIND: ClassVar[str] = "RemediationApproval"

    spec: RemediationApprovalSpec
    status: RemediationApprovalStatus = Field(default_factory=RemediationApprovalStatus)
