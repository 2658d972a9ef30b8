"""The validate step: every deterministic check between a proposal and a write.

Cheap checks run first and a denial stops the more expensive ones, so a proposal that
is out of the catalog or aims at a protected namespace sends no request at all, one
denied by the opt-in label or the limits sends only the reads needed to see that, and
only a plan every other check let through is sent to the API server for access reviews
and dry runs. No model output is read here except the proposal itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from kubernaut.core.policy import PolicyCheck, PolicyDecision, Verdict
from kubernaut.core.recommendation import ProposedAction
from kubernaut.kube import KubeClient, KubeError
from kubernaut.tools.catalog import plan_action
from kubernaut.tools.catalog_types import (
    ActionContext,
    ActionError,
    ActionParameterError,
    ActionSpec,
    UnknownAction,
)
from kubernaut.tools.plan import ActionPlan
from kubernaut.tools.safety.approval import confidence_check, risk_check
from kubernaut.tools.safety.checks import CheckName, allow, deny
from kubernaut.tools.safety.history import HistoryEntry, RemediationHistory
from kubernaut.tools.safety.limits import limit_checks
from kubernaut.tools.safety.opt_in import OptInCheck
from kubernaut.tools.safety.pacing import (
    cooldown_check,
    lookback,
    oscillation_check,
    rate_check,
)
from kubernaut.tools.safety.policy import SafetyPolicy
from kubernaut.tools.safety.preflight import dry_run_check, rbac_check
from kubernaut.tools.safety.scope import (
    allowed_check,
    catalog_check,
    namespace_scope_check,
    target_check,
)
from kubernaut.tools.step_marker import mark_plan


@dataclass
class Validation:
    decision: PolicyDecision
    plan: ActionPlan | None
    """What the executor will send; None when the proposal was denied before planning."""


def utc_now() -> datetime:
    return datetime.now(UTC)


class SafetyValidator:
    def __init__(
        self,
        client: KubeClient,
        policy: SafetyPolicy,
        history: RemediationHistory,
        *,
        clock: Callable[[], datetime] = utc_now,
        writer: KubeClient | None = None,
    ) -> None:
        """``writer``: the client the executor will write with, when not ``client``; access
        reviews and dry runs are asked as it, since that is who must be allowed."""
        self._client = client
        self._writer = writer or client
        self._policy = policy
        self._history = history
        self._clock = clock

    async def validate(
        self, proposal: ProposedAction, *, confidence: float, step_key: str
    ) -> Validation:
        """Allow, needs-approval or deny, with every check that was run and why."""
        trail = _Trail()
        catalog, spec = catalog_check(proposal.action)
        trail.add(catalog)
        if spec is None:
            return trail.result(None)
        now = self._clock()
        since = now - lookback(self._policy.cooldown, self._policy.rate)
        recent = await self._history.entries(since)
        proposal = self._check_proposal(trail, spec, proposal, confidence, recent, now)
        if trail.denied:
            return trail.result(None)
        opt_in = OptInCheck(self._client, self._policy.opt_in)
        trail.add(await _reading(CheckName.OPT_IN, lambda: opt_in.for_target(proposal.target)))
        if trail.denied:
            return trail.result(None)
        plan = await self._plan(trail, proposal, step_key)
        if plan is None:
            return trail.result(None)
        await self._check_plan(trail, plan, opt_in, recent, now)
        if trail.denied:
            return trail.result(plan)
        trail.add(await rbac_check(self._writer, plan.writes))
        if not trail.denied:
            trail.add(await dry_run_check(self._writer, plan.writes))
        return trail.result(plan)

    def _check_proposal(
        self,
        trail: _Trail,
        spec: ActionSpec,
        proposal: ProposedAction,
        confidence: float,
        recent: list[HistoryEntry],
        now: datetime,
    ) -> ProposedAction:
        """Checks that need neither the cluster nor a plan; the proposal with its target
        spelt as the catalog spells it, for the checks that follow."""
        policy = self._policy
        trail.add(allowed_check(policy.actions, proposal.action))
        target_verdict, target = target_check(spec, proposal.target)
        proposal = proposal.model_copy(update={"target": target})
        trail.add(target_verdict)
        trail.add(namespace_scope_check(policy.namespaces, target))
        trail.add(confidence_check(policy.approval, confidence))
        trail.add(risk_check(policy.approval, spec))
        trail.add(cooldown_check(policy.cooldown, proposal.action, proposal.target, recent, now))
        trail.add(rate_check(policy.rate, recent, now))
        return proposal

    async def _plan(
        self, trail: _Trail, proposal: ProposedAction, step_key: str
    ) -> ActionPlan | None:
        context = ActionContext(
            client=self._client,
            job_templates=self._policy.actions.job_templates,
            step_key=step_key,
        )
        try:
            plan = await plan_action(
                context, proposal.action, proposal.target, dict(proposal.parameters)
            )
        except ActionParameterError as error:
            trail.add(deny(CheckName.PARAMETERS, str(error)))
            return None
        except UnknownAction as error:
            trail.add(deny(CheckName.CATALOG, str(error)))
            return None
        except ActionError as error:
            trail.add(deny(CheckName.PLAN, str(error)))
            return None
        except KubeError as error:
            trail.add(deny(CheckName.PLAN, f"cannot read the cluster to plan: {error}"))
            return None
        trail.add(allow(CheckName.PARAMETERS, "valid for the action's schema"))
        trail.add(allow(CheckName.PLAN, plan.summary or f"{len(plan.writes)} write(s)"))
        return mark_plan(plan, step_key)

    async def _check_plan(
        self,
        trail: _Trail,
        plan: ActionPlan,
        opt_in: OptInCheck,
        recent: list[HistoryEntry],
        now: datetime,
    ) -> None:
        """Checks of what the plan would really touch and change."""
        policy = self._policy
        trail.add(namespace_scope_check(policy.namespaces, plan.target, plan))
        trail.add(await _reading(CheckName.OPT_IN, lambda: opt_in.for_plan(plan)))
        try:
            for check in await limit_checks(self._client, policy.limits, plan):
                trail.add(check)
        except KubeError as error:
            trail.add(deny(CheckName.NODES_DRAINED, f"cannot list the nodes: {error}"))
        trail.add(oscillation_check(policy.cooldown, plan, recent, now))


async def _reading(name: CheckName, check: Callable[[], Awaitable[PolicyCheck]]) -> PolicyCheck:
    """A check that reads the cluster; a failed read denies, since nothing was verified."""
    try:
        return await check()
    except KubeError as error:
        return deny(name, f"cannot read the cluster: {error}")


class _Trail:
    """The checks run so far, in order; a later result of a check replaces its earlier one
    (the namespace scope and opt-in are checked again once the plan shows what it
    touches)."""

    def __init__(self) -> None:
        self._checks: dict[str, PolicyCheck] = {}

    def add(self, check: PolicyCheck) -> None:
        self._checks[check.name] = check

    @property
    def denied(self) -> bool:
        return any(check.verdict is Verdict.DENY for check in self._checks.values())

    def result(self, plan: ActionPlan | None) -> Validation:
        return Validation(decision=PolicyDecision.of(list(self._checks.values())), plan=plan)
