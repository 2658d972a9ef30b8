"""The orchestrator: drives one RemediationRequest through its children and rolls their
state up into its status.

    Pending -> [Blocked] -> Processing (RemediationProcessing) -> Analyzing (AIAnalysis)
    [-> AwaitingApproval] -> Executing (WorkflowExecution) -> Completed | Failed | TimedOut

It is level-triggered: ``reconcile`` reads the RemediationRequest and its children and
takes the next step, so it may run any number of times (a child changed, the sweeper
came by, the controller restarted) and does each step once.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from kubernaut.controllers.blocking import block_for
from kubernaut.controllers.children import child_metadata, ensure_child, get_child
from kubernaut.controllers.context import ControllerContext
from kubernaut.controllers.deadlines import timeout_reason
from kubernaut.controllers.naming import analysis_name, processing_name, workflow_name
from kubernaut.controllers.status import transition
from kubernaut.core.outcome import Outcome
from kubernaut.crds import (
    API_VERSION,
    AIAnalysis,
    AIAnalysisPhase,
    AIAnalysisSpec,
    ProcessingPhase,
    RemediationPhase,
    RemediationProcessing,
    RemediationProcessingSpec,
    RemediationRequest,
    RemediationRequestStatus,
    WorkflowExecution,
    WorkflowExecutionPhase,
    WorkflowExecutionSpec,
)
from kubernaut.crds.ai_analysis import AIAnalysisStatus
from kubernaut.crds.meta import display
from kubernaut.crds.remediation_request import Children
from kubernaut.crds.workflow_execution import WorkflowExecutionStatus

TIMED_OUT = "TimedOut"
ESCALATED_OUTCOMES = frozenset(
    {
        Outcome.MANUAL_REVIEW_REQUIRED,
        Outcome.NOT_RESOLVED,
        Outcome.ROLLED_BACK,
        Outcome.FAILED,
        TIMED_OUT,
    }
)


async def reconcile_named(ctx: ControllerContext, name: str) -> None:
    """Reconcile the RemediationRequest ``name`` (gone: nothing to do)."""
    async with ctx.locks[name]:
        ctx.reconciled[name] = time.monotonic()
        found = await ctx.client.get(API_VERSION, RemediationRequest.KIND, ctx.namespace, name)
        if found is None:
            ctx.remediations.gone(name)
        else:
            await _reconcile(ctx, ctx.remediations.seen(found))


async def _move(
    ctx: ControllerContext,
    remediation: RemediationRequest,
    status: RemediationRequestStatus,
    **event: Any,
) -> None:
    """A phase change of the RemediationRequest, recorded in the index so that its own
    watch event is recognised and not reconciled again."""
    ctx.remediations.seen(await transition(ctx, remediation, status, **event))


def forget(ctx: ControllerContext, name: str) -> None:
    """Drop what is kept in memory for a RemediationRequest that was deleted."""
    ctx.remediations.gone(name)
    ctx.reconciled.pop(name, None)
    lock = ctx.locks.get(name)
    if lock is not None and not lock.locked():
        del ctx.locks[name]


async def _reconcile(ctx: ControllerContext, remediation: RemediationRequest) -> None:
    phase = remediation.status.phase
    if phase.terminal or remediation.metadata.deletion_timestamp is not None:
        return
    now = ctx.clock()
    if await _timed_out(ctx, remediation, now):
        return
    if phase in (RemediationPhase.PENDING, RemediationPhase.BLOCKED):
        await _start(ctx, remediation, now)
    elif phase is RemediationPhase.PROCESSING:
        await _after_processing(ctx, remediation, now)
    elif phase in (RemediationPhase.ANALYZING, RemediationPhase.AWAITING_APPROVAL):
        await _after_analysis(ctx, remediation, now)
    elif phase is RemediationPhase.EXECUTING:
        await _after_workflow(ctx, remediation, now)


async def _start(ctx: ControllerContext, remediation: RemediationRequest, now: datetime) -> None:
    block = block_for(remediation, ctx.remediations.all(), ctx.settings.blocking, now)
    if block is not None:
        if remediation.status.blocked_until != block.until:
            await _move(
                ctx,
                remediation,
                RemediationRequestStatus(
                    phase=RemediationPhase.BLOCKED,
                    blocked_until=block.until,
                    message=f"{block.reason}; waits until {block.until:%Y-%m-%dT%H:%M:%SZ}",
                    target=display(remediation.spec.target),
                    phase_started_at=now,
                ),
                reason="Blocked",
                message=block.reason,
            )
        return
    spec = remediation.spec
    processing = RemediationProcessing(
        metadata=child_metadata(remediation, processing_name(remediation.name)),
        spec=RemediationProcessingSpec(
            remediation_request=remediation.name,
            signal=spec.signal,
            target=spec.target,
            environment=spec.environment,
            priority=spec.priority,
        ),
    )
    await ensure_child(ctx, processing)
    await _move(
        ctx,
        remediation,
        RemediationRequestStatus(
            phase=RemediationPhase.PROCESSING,
            started_at=now,
            phase_started_at=now,
            target=display(spec.target),
            environment=spec.environment,
            priority=spec.priority,
            children=Children(processing=processing.name),
            message="enriching the signal: owner chain, environment, priority",
        ),
        reason="Processing",
        message=f"{spec.signal.name} on {display(spec.target) or 'no object'}: enriching",
    )


async def _after_processing(
    ctx: ControllerContext, remediation: RemediationRequest, now: datetime
) -> None:
    processing = await get_child(ctx, RemediationProcessing, processing_name(remediation.name))
    if processing is None or processing.status.phase is ProcessingPhase.FAILED:
        why = processing.status.message if processing else "its RemediationProcessing is gone"
        await _finish(ctx, remediation, Outcome.FAILED, f"enrichment failed: {why}", now)
        return
    if processing.status.phase is not ProcessingPhase.COMPLETED:
        return
    enriched = processing.status
    target = enriched.target or remediation.spec.target
    analysis = AIAnalysis(
        metadata=child_metadata(remediation, analysis_name(remediation.name)),
        spec=AIAnalysisSpec(
            remediation_request=remediation.name,
            remediation_uid=remediation.metadata.uid or "",
            signal=remediation.spec.signal,
            target=target,
            environment=enriched.environment,
            priority=enriched.priority,
            analysis_only=remediation.spec.analysis_only or ctx.settings.analysis_only,
        ),
    )
    await ensure_child(ctx, analysis)
    await _move(
        ctx,
        remediation,
        RemediationRequestStatus(
            phase=RemediationPhase.ANALYZING,
            phase_started_at=now,
            target=display(target),
            environment=enriched.environment,
            priority=enriched.priority,
            children=Children(processing=processing.name, analysis=analysis.name),
            message="investigating, recommending and validating",
        ),
        reason="Analyzing",
        message=f"{display(target)} ({enriched.environment}, {enriched.priority}): analyzing",
    )


async def _after_analysis(
    ctx: ControllerContext, remediation: RemediationRequest, now: datetime
) -> None:
    analysis = await get_child(ctx, AIAnalysis, analysis_name(remediation.name))
    if analysis is None:
        await _finish(ctx, remediation, Outcome.FAILED, "its AIAnalysis is gone", now)
        return
    found = analysis.status
    rollup = _analysis_rollup(remediation, found)
    if found.phase is AIAnalysisPhase.FAILED:
        await _finish(ctx, remediation, found.outcome or Outcome.FAILED, found.reason, now, rollup)
        return
    if found.phase is AIAnalysisPhase.COMPLETED:
        if found.outcome:
            await _finish(ctx, remediation, found.outcome, found.reason, now, rollup)
        else:
            await _execute(ctx, remediation, analysis, now, rollup)
        return
    waiting = found.phase is AIAnalysisPhase.AWAITING_APPROVAL
    phase = RemediationPhase.AWAITING_APPROVAL if waiting else RemediationPhase.ANALYZING
    if phase is not remediation.status.phase:
        rollup.phase = phase
        rollup.message = found.message
        await _move(
            ctx,
            remediation,
            rollup,
            reason=phase.value,
            message=found.message or f"analysis is {found.phase.value}",
        )


def _analysis_rollup(
    remediation: RemediationRequest, found: AIAnalysisStatus
) -> RemediationRequestStatus:
    rollup = RemediationRequestStatus(
        children=Children(
            processing=processing_name(remediation.name),
            analysis=analysis_name(remediation.name),
            approval=found.approval_request,
        )
    )
    if found.action is not None:
        rollup.action = found.action.name
    if found.confidence is not None:
        rollup.confidence = found.confidence
    if found.root_cause is not None:
        rollup.root_cause = found.root_cause.category
    return rollup


async def _execute(
    ctx: ControllerContext,
    remediation: RemediationRequest,
    analysis: AIAnalysis,
    now: datetime,
    rollup: RemediationRequestStatus,
) -> None:
    action = analysis.status.action
    if action is None or action.target is None:
        await _finish(ctx, remediation, Outcome.FAILED, "the analysis left no action", now)
        return
    workflow = WorkflowExecution(
        metadata=child_metadata(remediation, workflow_name(remediation.name)),
        spec=WorkflowExecutionSpec(
            remediation_request=remediation.name,
            remediation_uid=remediation.metadata.uid or "",
            analysis=analysis.name,
            action=action.name,
            target=action.target,
            parameters=action.parameters,
        ),
        status=WorkflowExecutionStatus(target=display(action.target)),
    )
    await ensure_child(ctx, workflow)
    rollup.phase = RemediationPhase.EXECUTING
    rollup.phase_started_at = now
    rollup.children.execution = workflow.name
    rollup.message = f"executing {action.name} on {display(action.target)}"
    await _move(ctx, remediation, rollup, reason="Executing", message=rollup.message)


async def _after_workflow(
    ctx: ControllerContext, remediation: RemediationRequest, now: datetime
) -> None:
    workflow = await get_child(ctx, WorkflowExecution, workflow_name(remediation.name))
    if workflow is None:
        await _finish(ctx, remediation, Outcome.FAILED, "its WorkflowExecution is gone", now)
        return
    found = workflow.status
    if found.phase.terminal:
        await _finish(ctx, remediation, found.outcome or Outcome.FAILED, found.reason, now)


async def _timed_out(
    ctx: ControllerContext, remediation: RemediationRequest, now: datetime
) -> bool:
    why = timeout_reason(remediation, ctx.settings.timeouts, now)
    if not why:
        return False
    await _stop_children(ctx, remediation, why)
    await _finish(ctx, remediation, TIMED_OUT, why, now, phase=RemediationPhase.TIMED_OUT)
    return True


async def _stop_children(ctx: ControllerContext, remediation: RemediationRequest, why: str) -> None:
    """End the running analysis or workflow so its graph stops (its task watches it)."""
    analysis = await get_child(ctx, AIAnalysis, analysis_name(remediation.name))
    if analysis is not None and not analysis.status.phase.terminal:
        await transition(
            ctx,
            analysis,
            AIAnalysisStatus(phase=AIAnalysisPhase.FAILED, outcome=TIMED_OUT, reason=why),
            reason=TIMED_OUT,
            message=why,
            warning=True,
        )
    workflow = await get_child(ctx, WorkflowExecution, workflow_name(remediation.name))
    if workflow is not None and not workflow.status.phase.terminal:
        await transition(
            ctx,
            workflow,
            WorkflowExecutionStatus(
                phase=WorkflowExecutionPhase.FAILED, outcome=TIMED_OUT, reason=why
            ),
            reason=TIMED_OUT,
            message=why,
            warning=True,
        )


async def _finish(
    ctx: ControllerContext,
    remediation: RemediationRequest,
    outcome: str,
    reason: str,
    now: datetime,
    rollup: RemediationRequestStatus | None = None,
    *,
    phase: RemediationPhase | None = None,
) -> None:
    status = rollup or RemediationRequestStatus()
    status.phase = phase or (
        RemediationPhase.FAILED if outcome == Outcome.FAILED else RemediationPhase.COMPLETED
    )
    status.outcome = outcome
    status.reason = reason
    status.completed_at = now
    status.phase_started_at = now
    status.message = f"{outcome}: {reason}" if reason else outcome
    bad = outcome in ESCALATED_OUTCOMES
    if bad:
        # Before the phase: whoever sees the remediation end sees its escalation too
        # (and a crash in between escalates twice rather than never).
        await ctx.escalator.escalate(remediation, str(outcome), reason, now=now)
    await _move(ctx, remediation, status, reason=str(outcome), message=status.message, warning=bad)
