"""Executing a validated plan: the only code path that writes to workloads.

The plan arrives marked with its step's idempotency key (see :mod:`step_marker`). A step
whose key is already on the target is recognised and not applied again, so a graph
resumed after a stop between "written" and "checkpointed" never writes twice. The
marker is written first or with the first change: at most once, and verify tells
whether it worked.
"""

from __future__ import annotations

from typing import Protocol

from kubernaut.core.actions import ActionStep
from kubernaut.core.execution import StepResult, StepStatus
from kubernaut.core.policy import Verdict
from kubernaut.kube import KubeClient, KubeError
from kubernaut.kube.errors import KubeApiError
from kubernaut.tools.apply import send_write
from kubernaut.tools.plan import ActionPlan, PlannedWrite
from kubernaut.tools.safety.preflight import dry_run_check, rbac_check
from kubernaut.tools.step_marker import STEP_ANNOTATION, is_target, rollback_key


class Executor(Protocol):
    """Runs validated steps. The graph talks only to this, so the controllers can route
    execution through KubernetesExecution objects instead of writing directly."""

    async def execute(self, step: ActionStep, plan: ActionPlan) -> StepResult: ...

    async def rollback(self, step: ActionStep, plan: ActionPlan) -> StepResult: ...


class DirectExecutor:
    """Writes through the Kubernetes API with ``client``'s credentials.

    Right before the first write of a step it asks a SelfSubjectAccessReview and a
    server-side dry run of every write (again: the cluster may have changed while a
    person thought about an approval); a refusal fails the step with nothing written.
    ``preflight=False`` is for a caller that has just run those checks itself.
    """

    def __init__(self, client: KubeClient, *, preflight: bool = True) -> None:
        self._client = client
        self._preflight = preflight

    async def execute(self, step: ActionStep, plan: ActionPlan) -> StepResult:
        return await self._run(step.key, plan, plan.writes)

    async def rollback(self, step: ActionStep, plan: ActionPlan) -> StepResult:
        key = rollback_key(step.key)
        if not plan.rollback:
            return StepResult(
                key=key, status=StepStatus.FAILED, message=f"{step.action} is not reversible"
            )
        result = await self._run(key, plan, plan.rollback)
        if result.status is StepStatus.FAILED:
            return result
        return result.model_copy(update={"status": StepStatus.ROLLED_BACK})

    async def recorded(
        self, key: str, plan: ActionPlan, writes: list[PlannedWrite]
    ) -> StepResult | None:
        """What became of step ``key`` when the cluster says already (its key is on the
        target, or the target it removes is gone) or says it cannot run (the target is
        gone); None when it is still to be applied."""
        target = plan.target
        try:
            current = await self._client.get("", target.kind, target.namespace or None, target.name)
        except KubeError as error:
            return StepResult(key=key, status=StepStatus.FAILED, message=str(error))
        if current is None:
            if any(w.verb in ("delete", "evict") and is_target(w, plan) for w in writes):
                return _already(key, f"{target} is already gone")
            return StepResult(
                key=key, status=StepStatus.FAILED, message=f"{target} no longer exists"
            )
        annotations = (current.get("metadata") or {}).get("annotations") or {}
        if annotations.get(STEP_ANNOTATION) == key:
            return _already(key, f"step {key} is already recorded on {target}")
        return None

    async def _run(self, key: str, plan: ActionPlan, writes: list[PlannedWrite]) -> StepResult:
        known = await self.recorded(key, plan, writes)
        if known is not None:
            return known
        if self._preflight:
            for check in (
                await rbac_check(self._client, writes),
                await dry_run_check(self._client, writes),
            ):
                if check.verdict is not Verdict.ALLOW:
                    return _failed(key, plan, f"nothing written: {check.detail}", 0)
        sent = 0
        for write in writes:
            try:
                await send_write(self._client, write)
            except KubeApiError as error:
                if write.verb == "create" and error.status == 409:
                    continue  # created by this step before a restart: names derive from the key
                return _failed(
                    key, plan, f"{write.describe()} failed after {sent} write(s): {error}", sent
                )
            except KubeError as error:
                return _failed(key, plan, f"{write.describe()}: {error}", sent)
            sent += 1
        return StepResult(
            key=key,
            status=StepStatus.APPLIED,
            message=plan.summary,
            pre_state=plan.pre_state,
            writes=sent,
        )


def _already(key: str, message: str) -> StepResult:
    return StepResult(key=key, status=StepStatus.ALREADY_APPLIED, message=message)


def _failed(key: str, plan: ActionPlan, message: str, sent: int) -> StepResult:
    return StepResult(
        key=key, status=StepStatus.FAILED, message=message, pre_state=plan.pre_state, writes=sent
    )
