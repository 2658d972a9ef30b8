"""The graph's executor inside a WorkflowExecution: each step becomes a
KubernetesExecution (named after the remediation and the step's key, so a resumed
graph finds the one it made) and the result is what that object reports."""

from __future__ import annotations

from kubernaut.controllers.children import child_metadata, ensure_child, next_version
from kubernaut.controllers.context import ControllerContext
from kubernaut.controllers.naming import execution_name
from kubernaut.controllers.status import patch_status
from kubernaut.core.actions import ActionStep
from kubernaut.core.execution import StepResult, StepStatus
from kubernaut.crds import (
    ExecutionOperation,
    KubernetesExecution,
    KubernetesExecutionPhase,
    KubernetesExecutionSpec,
    KubernetesExecutionStatus,
    RemediationRequest,
    WorkflowExecution,
)
from kubernaut.crds.meta import display
from kubernaut.crds.workflow_execution import StepStatus as WorkflowStep
from kubernaut.tools.plan import ActionPlan
from kubernaut.tools.step_marker import rollback_key

ENDED = frozenset(phase.value for phase in KubernetesExecutionPhase if phase.terminal)
"""Step phases that count as done in the Step column (``done/known``)."""


class KubernetesExecutionExecutor:
    def __init__(
        self, ctx: ControllerContext, remediation: RemediationRequest, workflow: WorkflowExecution
    ) -> None:
        self._ctx = ctx
        self._remediation = remediation
        self._workflow = workflow
        self._steps = list(workflow.status.steps)

    async def execute(self, step: ActionStep, plan: ActionPlan) -> StepResult:
        return await self._run(step, plan, ExecutionOperation.APPLY, step.key)

    async def rollback(self, step: ActionStep, plan: ActionPlan) -> StepResult:
        if not plan.rollback:
            return StepResult(
                key=rollback_key(step.key),
                status=StepStatus.FAILED,
                message=f"{step.action} is not reversible",
            )
        return await self._run(step, plan, ExecutionOperation.ROLLBACK, rollback_key(step.key))

    async def _run(
        self, step: ActionStep, plan: ActionPlan, operation: ExecutionOperation, key: str
    ) -> StepResult:
        name = execution_name(self._remediation.name, key)
        execution = await ensure_child(
            self._ctx,
            KubernetesExecution(
                metadata=child_metadata(self._remediation, name),
                spec=KubernetesExecutionSpec(
                    remediation_request=self._remediation.name,
                    workflow_execution=self._workflow.name,
                    step_key=step.key,
                    operation=operation,
                    action=step.action,
                    target=step.target,
                    parameters=step.parameters,
                    plan=plan.model_dump(mode="json"),
                ),
                status=KubernetesExecutionStatus(target=display(step.target)),
            ),
        )
        await self._record(
            WorkflowStep(
                key=key,
                action=step.action,
                operation=operation.value,
                execution=name,
                phase="Pending",
            )
        )
        while not execution.status.phase.terminal:
            execution = await next_version(self._ctx, execution)
        result = execution.status.result
        outcome = (
            StepResult.model_validate(result)
            if result
            else StepResult(key=key, status=StepStatus.FAILED, message=execution.status.message)
        )
        await self._record(
            WorkflowStep(
                key=key,
                action=step.action,
                operation=operation.value,
                execution=name,
                phase=execution.status.phase.value,
                message=outcome.message,
            )
        )
        return outcome

    async def _record(self, step: WorkflowStep) -> None:
        """The step in the workflow's status (replacing an earlier line for its key)."""
        self._steps = [s for s in self._steps if s.key != step.key] + [step]
        await patch_status(
            self._ctx,
            self._workflow,
            {
                "steps": [s.wire() for s in self._steps],
                "step": f"{sum(s.phase in ENDED for s in self._steps)}/{len(self._steps)}",
            },
        )
