"""approve: pause for a person when policy says so (LangGraph ``interrupt``).

The interrupt payload tells the approver what would run and why approval is needed;
the run resumes with ``Command(resume={"approved": bool, "by": str, "reason": str})``.
"""

from __future__ import annotations

from typing import Any

from langgraph.types import interrupt

from kubernaut.core.outcome import Outcome
from kubernaut.graphs.deps import RemediationDeps
from kubernaut.graphs.state import RemediationState
from kubernaut.graphs.trail import trail_entry

NODE = "approve"


async def approve(state: RemediationState, deps: RemediationDeps) -> dict[str, Any]:
    validation = state["validation"]
    plan = validation["plan"] or {}
    recommendation = state["recommendation"] or {}
    answer = interrupt(
        {
            "kind": "approval",
            "remediation_id": state["remediation_id"],
            "action": plan.get("action"),
            "target": plan.get("target"),
            "parameters": plan.get("parameters") or {},
            "summary": plan.get("summary", ""),
            "confidence": recommendation.get("confidence"),
            "reasons": [
                f"{check['name']}: {check['detail']}"
                for check in validation["decision"]["checks"]
                if check["verdict"] != "allow"
            ],
        }
    )
    started = deps.clock()
    approval = _approval(answer)
    update: dict[str, Any] = {"approval": approval}
    who = approval["by"] or "someone"
    if approval["approved"]:
        summary, decision = f"approved by {who}", "approved"
    else:
        summary, decision = (
            f"rejected by {who}: {approval['reason'] or 'no reason given'}",
            "rejected",
        )
        update["outcome"] = Outcome.REJECTED.value
        update["reason"] = summary
    update["trail"] = [trail_entry(NODE, started, deps.clock(), summary, decision)]
    return update


def _approval(answer: Any) -> dict[str, Any]:
    """The resume value as a dict; anything that is not an explicit approval rejects."""
    if isinstance(answer, dict):
        return {
            "approved": answer.get("approved") is True,
            "by": str(answer.get("by") or ""),
            "reason": str(answer.get("reason") or ""),
        }
    return {"approved": answer is True, "by": "", "reason": ""}


def after_approve(state: RemediationState) -> str:
    return "end" if state.get("outcome") else "execute"
