"""The KubernetesExecution controller: the only component that writes to workloads.

For each step it checks the action and every namespace it touches against the policy
again (a KubernetesExecution is data anyone with create rights could write), skips a
step the cluster shows applied already, asks for access reviews and a server-side dry
run of every write, checks that its WorkflowExecution still runs (a step picked up
after a timeout must not write), then applies the writes once and records the result
and the pre-change state.
"""

from __future__ import annotations

from kubernaut.controllers.children import get_child
from kubernaut.controllers.context import ControllerContext
from kubernaut.controllers.status import transition
from kubernaut.core.actions import ActionStep
from kubernaut.core.execution import StepResult, StepStatus
from kubernaut.core.policy import PolicyCheck, Verdict
from kubernaut.crds import (
    ExecutionOperation,
    KubernetesExecution,
    KubernetesExecutionPhase,
    KubernetesExecutionStatus,
    WorkflowExecution,
)
from kubernaut.crds.kubernetes_execution import DryRunResult
from kubernaut.crds.meta import display
from kubernaut.tools.executor import DirectExecutor
from kubernaut.tools.plan import ActionPlan
from kubernaut.tools.safety.preflight import dry_run_check, rbac_check
from kubernaut.tools.safety.scope import allowed_check, catalog_check, namespace_scope_check
from kubernaut.tools.step_marker import rollback_key


async def execute_step(ctx: ControllerContext, name: str) -> None:
    execution = await get_child(ctx, KubernetesExecution, name)
    if execution is None or execution.status.phase.terminal:
        return
    spec = execution.spec
    plan = ActionPlan.model_validate(spec.plan)
    rollback = spec.operation is ExecutionOperation.ROLLBACK
    writes = plan.rollback if rollback else plan.writes
    key = rollback_key(spec.step_key) if rollback else spec.step_key
    executor = DirectExecutor(ctx.workload_writer, preflight=False)  # checked below, in phases
    refusal = _refusal(ctx, execution, plan)
    if refusal:
        await _end(ctx, execution, StepResult(key=key, status=StepStatus.FAILED, message=refusal))
        return
    known = await executor.recorded(key, plan, writes)
    if known is not None:
        await _end(ctx, execution, known, dry_run=DryRunResult.SKIPPED)
        return
    execution = KubernetesExecution.parse(
        await transition(
            ctx,
            execution,
            KubernetesExecutionStatus(
                phase=KubernetesExecutionPhase.DRY_RUN,
                target=display(spec.target),
                started_at=ctx.clock(),
                message=f"access reviews and a server-side dry run of {len(writes)} write(s)",
            ),
            reason="DryRun",
            message=plan.summary or spec.action,
        )
    )
    writer = ctx.workload_writer
    for check in (await rbac_check(writer, writes), await dry_run_check(writer, writes)):
        if check.verdict is not Verdict.ALLOW:
            failed = StepResult(key=key, status=StepStatus.FAILED, message=check.detail)
            await _end(ctx, execution, failed, dry_run=DryRunResult.FAILED)
            return
    execution = KubernetesExecution.parse(
        await transition(
            ctx,
            execution,
            KubernetesExecutionStatus(
                phase=KubernetesExecutionPhase.APPLYING,
                dry_run=DryRunResult.PASSED,
                message=f"applying {len(writes)} write(s)",
            ),
            reason="Applying",
            message=plan.summary or spec.action,
        )
    )
    ended = await _workflow_ended(ctx, execution)
    if ended:
        await _end(ctx, execution, StepResult(key=key, status=StepStatus.FAILED, message=ended))
        return
    step = ActionStep(
        action=spec.action, target=spec.target, parameters=spec.parameters, key=spec.step_key
    )
    result = await (executor.rollback(step, plan) if rollback else executor.execute(step, plan))
    await _end(ctx, execution, result)


def _refusal(ctx: ControllerContext, execution: KubernetesExecution, plan: ActionPlan) -> str:
    """Why this step may not run here, or an empty string."""
    spec = execution.spec
    if (plan.action, plan.target) != (spec.action, spec.target):
        return "the plan is for another action or target than the execution names"
    catalog, _ = catalog_check(spec.action)
    checks: list[PolicyCheck] = [
        catalog,
        allowed_check(ctx.policy.actions, spec.action),
        namespace_scope_check(ctx.policy.namespaces, spec.target, plan),
    ]
    return "; ".join(f"{c.name}: {c.detail}" for c in checks if c.verdict is Verdict.DENY)


async def _workflow_ended(ctx: ControllerContext, execution: KubernetesExecution) -> str:
    """Why the step's workflow no longer wants it applied (it timed out, failed or is
    gone: a step picked up late must not change the cluster), or an empty string."""
    name = execution.spec.workflow_execution
    workflow = await get_child(ctx, WorkflowExecution, name)
    if workflow is None:
        return f"its WorkflowExecution {name} is gone; nothing was applied"
    if workflow.status.phase.terminal:
        ended = workflow.status.outcome or workflow.status.phase.value
        return f"its WorkflowExecution {name} has ended ({ended}); nothing was applied"
    return ""


async def _end(
    ctx: ControllerContext,
    execution: KubernetesExecution,
    result: StepResult,
    *,
    dry_run: DryRunResult | None = None,
) -> None:
    failed = result.status is StepStatus.FAILED
    status = KubernetesExecutionStatus(
        phase=KubernetesExecutionPhase.FAILED if failed else KubernetesExecutionPhase.COMPLETED,
        target=display(execution.spec.target),
        result=result.model_dump(mode="json"),
        completed_at=ctx.clock(),
        message=f"{result.status.value}: {result.message}",
    )
    if dry_run is not None:
        status.dry_run = dry_run
    await transition(
        ctx,
        execution,
        status,
        reason="Failed" if failed else "Completed",
        message=status.message,
        warning=failed,
    )
    ctx.waiter.notify(execution.KIND, execution.namespace, execution.name)
