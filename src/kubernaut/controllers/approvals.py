"""Approvals: the analysis asks a person through a RemediationApproval and waits; the
person's decision (``kubernaut approve``, or a patch of ``spec.decision``) or the
expiry is reported in the approval's status and resumes, or ends, the graph."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from kubernaut.controllers.children import child_metadata, ensure_child, get_child, next_version
from kubernaut.controllers.context import ControllerContext
from kubernaut.controllers.naming import approval_name
from kubernaut.controllers.status import transition
from kubernaut.core.resources import ResourceRef
from kubernaut.crds import (
    AIAnalysis,
    ApprovalDecision,
    ApprovalPhase,
    RemediationApproval,
    RemediationApprovalSpec,
    RemediationApprovalStatus,
    RemediationRequest,
)
from kubernaut.crds.meta import display
from kubernaut.kube.errors import KubeError


async def request_approval(
    ctx: ControllerContext, analysis: AIAnalysis, request: dict[str, Any]
) -> RemediationApproval:
    """The approval for ``analysis``, created from the graph's interrupt payload unless it
    exists (a restarted controller asks once)."""
    name = approval_name(analysis.spec.remediation_request)
    existing = await get_child(ctx, RemediationApproval, name)
    if existing is not None:
        return existing
    remediation = await get_child(ctx, RemediationRequest, analysis.spec.remediation_request)
    if remediation is None:
        raise KubeError(f"RemediationRequest {analysis.spec.remediation_request} is gone")
    target = ResourceRef.model_validate(request["target"])
    approval = RemediationApproval(
        metadata=child_metadata(remediation, name),
        spec=RemediationApprovalSpec(
            remediation_request=remediation.name,
            analysis=analysis.name,
            action=str(request.get("action") or ""),
            target=target,
            parameters=dict(request.get("parameters") or {}),
            summary=str(request.get("summary") or ""),
            confidence=request.get("confidence"),
            reasons=[str(reason) for reason in request.get("reasons") or []],
            expires_at=ctx.clock() + timedelta(seconds=ctx.settings.approval_expiry),
        ),
        status=RemediationApprovalStatus(target=display(target)),
    )
    stored = await ensure_child(ctx, approval)
    await transition(
        ctx,
        stored,
        RemediationApprovalStatus(
            phase=ApprovalPhase.PENDING,
            target=display(target),
            message=f"waiting for a person: kubernaut approve {name} [--reject]",
        ),
        reason="ApprovalRequested",
        message=f"{approval.spec.action} on {display(target)}: {'; '.join(approval.spec.reasons)}",
    )
    return stored


async def settle(ctx: ControllerContext, approval: RemediationApproval) -> RemediationApproval:
    """Report a decision made in ``spec``, or the expiry, in status; the approval as it
    is now."""
    if approval.status.phase.terminal:
        return approval
    spec = approval.spec
    if spec.decision is not None:
        phase = (
            ApprovalPhase.APPROVED
            if spec.decision is ApprovalDecision.APPROVED
            else ApprovalPhase.REJECTED
        )
        who = spec.decided_by or "someone"
        message = f"{phase.value.lower()} by {who}" + (
            f": {spec.decision_reason}" if spec.decision_reason else ""
        )
        status = RemediationApprovalStatus(
            phase=phase, decided_by=who, decided_at=ctx.clock(), message=message
        )
    elif ctx.clock() >= spec.expires_at:
        message = f"nobody decided within {ctx.settings.approval_expiry:g}s"
        status = RemediationApprovalStatus(phase=ApprovalPhase.EXPIRED, message=message)
    else:
        return approval
    stored = await transition(
        ctx,
        approval,
        status,
        reason=status.phase.value,
        message=message,
        warning=status.phase is not ApprovalPhase.APPROVED,
    )
    ctx.waiter.notify(approval.KIND, approval.namespace, approval.name)
    return RemediationApproval.parse(stored)


async def wait_for_decision(
    ctx: ControllerContext, approval: RemediationApproval
) -> RemediationApproval:
    """Block until the approval is decided or expired."""
    while not approval.status.phase.terminal:
        approval = await settle(ctx, await next_version(ctx, approval))
    return approval


def resume_value(approval: RemediationApproval) -> dict[str, Any]:
    """What the graph's approve node resumes with."""
    return {
        "approved": approval.status.phase is ApprovalPhase.APPROVED,
        "by": approval.status.decided_by,
        "reason": approval.spec.decision_reason,
    }
