"""validate: deterministic policy decides; no model is consulted."""

from __future__ import annotations

from typing import Any

from kubernaut.core.actions import ActionStep
from kubernaut.core.outcome import Outcome
from kubernaut.core.policy import Verdict
from kubernaut.core.recommendation import Recommendation
from kubernaut.graphs.deps import RemediationDeps
from kubernaut.graphs.state import RemediationState
from kubernaut.graphs.trail import trail_entry

NODE = "validate"


async def validate(state: RemediationState, deps: RemediationDeps) -> dict[str, Any]:
    started = deps.clock()
    recommendation = Recommendation.model_validate(state["recommendation"])
    proposal = recommendation.action
    attempts = state.get("attempts", 1)
    key = ActionStep.key_for(
        state["remediation_id"], attempts, proposal.action, proposal.target, proposal.parameters
    )
    validation = await deps.validator.validate(
        proposal, confidence=recommendation.confidence, step_key=key
    )
    decision = validation.decision
    update: dict[str, Any] = {
        "validation": {
            "decision": decision.model_dump(mode="json"),
            "plan": validation.plan.model_dump(mode="json") if validation.plan else None,
            "step_key": key,
        }
    }
    detail = "; ".join(decision.reasons) or "all checks passed"
    if decision.verdict is Verdict.DENY:
        proposed = proposal.model_dump(mode="json")
        denials = state.get("denials") or []
        update["denials"] = [*denials, {"action": proposed, "reasons": decision.reasons}]
        if any(_same_proposal(denial["action"], proposed) for denial in denials):
            # Asking again would get the same answer: the model has nothing else.
            update["outcome"] = Outcome.MANUAL_REVIEW_REQUIRED.value
            update["reason"] = (
                f"the model proposed {proposal.action} on {proposal.target} again after "
                "it was denied; "
                f"last denial: {detail}"
            )
        elif attempts >= deps.settings.max_recommendations:
            update["outcome"] = Outcome.MANUAL_REVIEW_REQUIRED.value
            update["reason"] = f"{attempts} recommendation(s) denied by policy; last: {detail}"
    elif not state.get("execute", False):
        update["outcome"] = Outcome.RECOMMENDED.value
        update["reason"] = f"analysis only: {decision.verdict.value} ({detail})"
    update["trail"] = [trail_entry(NODE, started, deps.clock(), detail, decision.verdict.value)]
    return update


def _same_proposal(denied: dict[str, Any], proposed: dict[str, Any]) -> bool:
    """The same action with the same parameters on the same target (the rationale may
    differ)."""
    fields = ("action", "target", "parameters")
    return all(denied.get(f) == proposed.get(f) for f in fields)


def after_validate(state: RemediationState) -> str:
    if state.get("outcome"):
        return "end"
    verdict = Verdict(state["validation"]["decision"]["verdict"])
    if verdict is Verdict.DENY:
        return "recommend"
    if verdict is Verdict.NEEDS_APPROVAL:
        return "approve"
    return "execute"
