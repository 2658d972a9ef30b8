"""recommend: the model turns its findings into one structured Recommendation."""

from __future__ import annotations

import json
from typing import Any

from langchain_core.messages import HumanMessage

from kubernaut.agents.prompts import render_prompt
from kubernaut.agents.structured import StructuredOutputError, ask_structured
from kubernaut.core.categories import CATEGORY_DESCRIPTIONS
from kubernaut.core.outcome import Outcome
from kubernaut.core.recommendation import Recommendation
from kubernaut.graphs.deps import RemediationDeps
from kubernaut.graphs.state import RemediationState
from kubernaut.graphs.trail import trail_entry
from kubernaut.tools.catalog import catalog_for_prompt

NODE = "recommend"


async def recommend(state: RemediationState, deps: RemediationDeps) -> dict[str, Any]:
    started = deps.clock()
    attempts = state.get("attempts", 0) + 1
    request = HumanMessage(
        render_prompt(
            "recommend.md",
            catalog=catalog_for_prompt(),
            categories={str(k): v for k, v in CATEGORY_DESCRIPTIONS.items()},
            schema=json.dumps(Recommendation.model_json_schema(), indent=1),
            denials=state.get("denials") or [],
        )
    )
    try:
        reply = await ask_structured(
            deps.models.plain(), [*state.get("messages", []), request], Recommendation
        )
    except Exception as error:  # unparseable twice, or every model tier failed
        reason = (
            str(error)
            if isinstance(error, StructuredOutputError)
            else (f"the model failed: {type(error).__name__}: {error}")
        )
        return {
            "attempts": attempts,
            "messages": [request],
            "outcome": Outcome.MANUAL_REVIEW_REQUIRED.value,
            "reason": reason,
            "trail": [trail_entry(NODE, started, deps.clock(), reason, "no recommendation")],
        }
    recommendation = reply.value
    decision = f"{recommendation.action.describe()} (confidence {recommendation.confidence:.2f})"
    summary = f"{recommendation.root_cause.category}: {recommendation.root_cause.summary}"
    return {
        "attempts": attempts,
        "messages": [request, *reply.messages],
        "recommendation": recommendation.model_dump(mode="json"),
        "usage": reply.usage.model_dump(),
        "trail": [trail_entry(NODE, started, deps.clock(), summary, decision)],
    }
