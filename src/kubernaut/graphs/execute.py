"""execute: the validated plan goes to the executor, exactly once per step key."""

from __future__ import annotations

from typing import Any

from kubernaut.core.actions import ActionStep
from kubernaut.core.execution import StepStatus
from kubernaut.core.outcome import Outcome
from kubernaut.graphs.deps import RemediationDeps
from kubernaut.graphs.state import RemediationState
from kubernaut.graphs.trail import trail_entry
from kubernaut.tools.plan import ActionPlan
from kubernaut.tools.safety import HistoryEntry

NODE = "execute"


def step_of(state: RemediationState) -> tuple[ActionStep, ActionPlan]:
    validation = state["validation"]
    plan = ActionPlan.model_validate(validation["plan"])
    step = ActionStep(
        action=plan.action,
        target=plan.target,
        parameters=plan.parameters,
        key=validation["step_key"],
    )
    return step, plan


async def execute(state: RemediationState, deps: RemediationDeps) -> dict[str, Any]:
    started = deps.clock()
    step, plan = step_of(state)
    result = await deps.executor.execute(step, plan)
    update: dict[str, Any] = {
        "step": step.model_dump(mode="json"),
        "result": result.model_dump(mode="json"),
    }
    if result.status is StepStatus.FAILED:
        update["outcome"] = Outcome.FAILED.value
        update["reason"] = result.message
    else:
        await deps.history.record(
            HistoryEntry(
                target=plan.target,
                action=plan.action,
                parameters=plan.parameters,
                at=deps.clock(),
                remediation_id=state["remediation_id"],
                replicas_before=plan.impact.replicas_before,
                replicas_after=plan.impact.replicas_after,
                step_key=step.key,
            )
        )
    summary = f"{result.status.value}: {result.message or plan.summary}"
    update["trail"] = [
        trail_entry(NODE, started, deps.clock(), summary, f"{step.action} [{step.key}]")
    ]
    return update


def after_execute(state: RemediationState) -> str:
    return "end" if state.get("outcome") else "verify"
