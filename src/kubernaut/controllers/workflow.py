"""The WorkflowExecution runner: continues the remediation's thread after the analysis,
running execute -> verify, each step through a KubernetesExecution. Resumed from its
checkpoint after a restart; a step already applied is never applied again."""

from __future__ import annotations

from typing import Any

from kubernaut.controllers.children import get_child
from kubernaut.controllers.context import ControllerContext
from kubernaut.controllers.graph_runs import drive, remediation_graph, thread_config
from kubernaut.controllers.kex_executor import KubernetesExecutionExecutor
from kubernaut.controllers.projection import remediation_projection
from kubernaut.controllers.status import transition
from kubernaut.core.outcome import Outcome
from kubernaut.crds import (
    RemediationRequest,
    WorkflowExecution,
    WorkflowExecutionPhase,
    WorkflowExecutionStatus,
)
from kubernaut.crds.meta import display

NODE_PHASES = {
    "execute": WorkflowExecutionPhase.EXECUTING,
    "verify": WorkflowExecutionPhase.VERIFYING,
}


async def run_workflow(ctx: ControllerContext, name: str) -> None:
    workflow = await get_child(ctx, WorkflowExecution, name)
    if workflow is None or workflow.status.phase.terminal:
        return
    remediation = await get_child(ctx, RemediationRequest, workflow.spec.remediation_request)
    if remediation is None:
        return
    graph = remediation_graph(ctx, KubernetesExecutionExecutor(ctx, remediation, workflow))
    config = thread_config(workflow.spec.remediation_uid, workflow)
    snapshot = await graph.aget_state(config)
    if snapshot.next and not set(snapshot.next) <= set(NODE_PHASES):
        await _end(ctx, workflow, Outcome.FAILED.value, f"the thread waits at {snapshot.next}")
        return
    if snapshot.next:
        tracker = _NodeTracker(ctx, workflow)
        snapshot = await drive(graph, config, None, tracker.started)
        workflow = tracker.workflow
    values: dict[str, Any] = dict(snapshot.values)
    outcome = str(values.get("outcome") or Outcome.FAILED.value)
    await _end(ctx, workflow, outcome, str(values.get("reason") or ""), values)


class _NodeTracker:
    def __init__(self, ctx: ControllerContext, workflow: WorkflowExecution) -> None:
        self._ctx = ctx
        self.workflow = workflow

    async def started(self, node: str) -> None:
        phase = NODE_PHASES.get(node)
        if phase is None or phase is self.workflow.status.phase:
            return
        status = WorkflowExecutionStatus(
            phase=phase,
            node=node,
            target=display(self.workflow.spec.target),
            message=f"{node} running",
        )
        if phase is WorkflowExecutionPhase.EXECUTING:
            status.started_at = self._ctx.clock()
        self.workflow = WorkflowExecution.parse(
            await transition(
                self._ctx,
                self.workflow,
                status,
                reason=phase.value,
                message=f"{node}: {self.workflow.spec.action} on {status.target}",
            )
        )


async def _end(
    ctx: ControllerContext,
    workflow: WorkflowExecution,
    outcome: str,
    reason: str,
    values: dict[str, Any] | None = None,
) -> None:
    values = values or {}
    failed = outcome == Outcome.FAILED
    status = WorkflowExecutionStatus.model_validate(
        remediation_projection(WorkflowExecution.KIND, values)
    )
    status.phase = WorkflowExecutionPhase.FAILED if failed else WorkflowExecutionPhase.COMPLETED
    status.outcome = outcome
    status.reason = reason
    status.completed_at = ctx.clock()
    status.message = f"{outcome}: {reason}" if reason else outcome
    await transition(
        ctx,
        workflow,
        status,
        reason=outcome,
        message=reason or outcome,
        warning=outcome != Outcome.REMEDIATED,
    )
