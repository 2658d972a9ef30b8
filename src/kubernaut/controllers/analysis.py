"""The AIAnalysis runner: the graph's investigate -> recommend -> validate [-> approve]
part for one remediation, resumed from its checkpoint after a restart.

It stops before ``execute``: execution belongs to the WorkflowExecution the orchestrator
creates next, which continues the same thread.
"""

from __future__ import annotations

import logging
from typing import Any

from langgraph.types import Command, StateSnapshot

from kubernaut.controllers.approvals import request_approval, resume_value, wait_for_decision
from kubernaut.controllers.children import get_child
from kubernaut.controllers.context import ControllerContext
from kubernaut.controllers.graph_runs import (
    drive,
    pending_interrupt,
    remediation_graph,
    thread_config,
)
from kubernaut.controllers.projection import remediation_projection
from kubernaut.controllers.status import transition
from kubernaut.core.actions import ActionStep
from kubernaut.core.execution import StepResult, StepStatus
from kubernaut.core.outcome import Outcome
from kubernaut.crds import AIAnalysis, AIAnalysisPhase, AIAnalysisStatus, ApprovalPhase
from kubernaut.crds.ai_analysis import ApprovalState
from kubernaut.graphs.remediation import initial_state
from kubernaut.kube import KubeError
from kubernaut.tools.plan import ActionPlan

log = logging.getLogger(__name__)

NODE_PHASES = {
    "investigate": AIAnalysisPhase.INVESTIGATING,
    "recommend": AIAnalysisPhase.RECOMMENDING,
    "validate": AIAnalysisPhase.VALIDATING,
}
"""Phases that follow from a node starting; AwaitingApproval follows from the approval
request instead, once it exists."""
STOP_BEFORE = ["execute"]


class NoExecution:
    """The analysis never executes: the graph stops before ``execute``. Should it ever get
    there, nothing is written."""

    async def execute(self, step: ActionStep, plan: ActionPlan) -> StepResult:
        return StepResult(
            key=step.key, status=StepStatus.FAILED, message="execution belongs to the workflow"
        )

    async def rollback(self, step: ActionStep, plan: ActionPlan) -> StepResult:
        return await self.execute(step, plan)


async def run_analysis(ctx: ControllerContext, name: str) -> None:
    analysis = await get_child(ctx, AIAnalysis, name)
    graph = remediation_graph(ctx, NoExecution())
    while analysis is not None and not analysis.status.phase.terminal:
        config = thread_config(analysis.spec.remediation_uid, analysis)
        snapshot = await graph.aget_state(config)
        request = pending_interrupt(snapshot)
        start: Any
        if request is not None:
            approval = await _approval(ctx, analysis, request)
            if approval is None:
                return
            start = Command(resume=resume_value(approval))
        elif not snapshot.values:
            analysis = await _started(ctx, analysis)
            start = initial_state(
                analysis.spec.remediation_uid,
                _signal(analysis),
                execute=not analysis.spec.analysis_only,
            )
        elif not snapshot.next or tuple(snapshot.next) == tuple(STOP_BEFORE):
            await _finished(ctx, analysis, snapshot.values, ready=bool(snapshot.next))
            return
        else:
            log.info("%s resumes its thread at %s", name, ", ".join(snapshot.next))
            start = None
        tracker = _NodeTracker(ctx, analysis)
        after = await drive(graph, config, start, tracker.started, interrupt_before=STOP_BEFORE)
        if start is None and _checkpoint_id(after) == _checkpoint_id(snapshot):
            raise AnalysisStuck(
                f"{name}: resuming at {', '.join(snapshot.next)} made no progress; "
                f"pending tasks: {[(task.name, bool(task.interrupts)) for task in after.tasks]}"
            )
        analysis = await get_child(ctx, AIAnalysis, name)


class AnalysisStuck(KubeError):
    """The thread did not move when resumed; the sweeper tries again later."""


def _checkpoint_id(snapshot: StateSnapshot) -> str:
    return str((snapshot.config.get("configurable") or {}).get("checkpoint_id") or "")


def _signal(analysis: AIAnalysis) -> dict[str, Any]:
    return analysis.spec.signal.signal(analysis.spec.target).model_dump(mode="json")


async def _started(ctx: ControllerContext, analysis: AIAnalysis) -> AIAnalysis:
    stored = await transition(
        ctx,
        analysis,
        AIAnalysisStatus(
            phase=AIAnalysisPhase.INVESTIGATING,
            node="investigate",
            started_at=ctx.clock(),
            message="investigating with read-only tools",
        ),
        reason="Investigating",
        message=f"investigating {analysis.spec.signal.name}",
    )
    return AIAnalysis.parse(stored)


class _NodeTracker:
    """Moves the phase and the Node column as the graph's nodes start."""

    def __init__(self, ctx: ControllerContext, analysis: AIAnalysis) -> None:
        self._ctx = ctx
        self._analysis = analysis

    async def started(self, node: str) -> None:
        phase = NODE_PHASES.get(node)
        if phase is None or node == self._analysis.status.node:
            return
        stored = await transition(
            self._ctx,
            self._analysis,
            AIAnalysisStatus(phase=phase, node=node, message=f"{node} running"),
            reason=phase.value,
            message=f"{node} started",
        )
        self._analysis = AIAnalysis.parse(stored)


async def _approval(ctx: ControllerContext, analysis: AIAnalysis, request: dict[str, Any]) -> Any:
    """The decided approval; None when it expired (the analysis is then finished)."""
    approval = await request_approval(ctx, analysis, request)
    if analysis.status.phase is not AIAnalysisPhase.AWAITING_APPROVAL:
        analysis = AIAnalysis.parse(
            await transition(
                ctx,
                analysis,
                AIAnalysisStatus(
                    phase=AIAnalysisPhase.AWAITING_APPROVAL,
                    node="approve",
                    approval=ApprovalState.REQUIRED,
                    approval_request=approval.name,
                    message=f"waiting for approval: kubernaut approve {approval.name}",
                ),
                reason="AwaitingApproval",
                message="; ".join(request.get("reasons") or []) or "policy asks a person",
            )
        )
    decided = await wait_for_decision(ctx, approval)
    if decided.status.phase is ApprovalPhase.EXPIRED:
        await transition(
            ctx,
            analysis,
            AIAnalysisStatus(
                phase=AIAnalysisPhase.COMPLETED,
                approval=ApprovalState.EXPIRED,
                outcome=Outcome.MANUAL_REVIEW_REQUIRED.value,
                reason=f"approval {approval.name} expired: {decided.status.message}",
                completed_at=ctx.clock(),
                message="approval expired; nothing was executed",
            ),
            reason="ApprovalExpired",
            message=decided.status.message,
            warning=True,
        )
        return None
    state = (
        ApprovalState.APPROVED
        if decided.status.phase is ApprovalPhase.APPROVED
        else ApprovalState.REJECTED
    )
    await transition(
        ctx,
        analysis,
        AIAnalysisStatus(approval=state, message=decided.status.message),
        reason=state.value,
        message=decided.status.message,
    )
    return decided


async def _finished(
    ctx: ControllerContext, analysis: AIAnalysis, values: dict[str, Any], *, ready: bool
) -> None:
    outcome = "" if ready else str(values.get("outcome") or Outcome.MANUAL_REVIEW_REQUIRED)
    reason = str(values.get("reason") or "")
    if ready:
        message = "validated: ready to execute"
    else:
        message = f"{outcome}: {reason}" if reason else outcome
    status = AIAnalysisStatus.model_validate(remediation_projection(AIAnalysis.KIND, values))
    status.phase = AIAnalysisPhase.COMPLETED
    status.outcome = outcome
    status.reason = reason
    status.completed_at = ctx.clock()
    status.message = message
    status.approval = analysis.status.approval or ApprovalState.NOT_REQUIRED
    good = ready or outcome == Outcome.RECOMMENDED
    await transition(
        ctx,
        analysis,
        status,
        reason="Completed" if good else outcome,
        message=message,
        warning=not good,
    )
