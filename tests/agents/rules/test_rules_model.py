"""The rule-based model through the chat-model interface the graph uses."""

from __future__ import annotations

import json

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_core.tools import StructuredTool

from kubernaut.agents.models import build_model_chain
from kubernaut.agents.rules import RulesChatModel
from kubernaut.core.recommendation import Recommendation
from kubernaut.tools.untrusted import frame

PROMPT = HumanMessage(
    "A signal arrived:\n\n<signal>\nsource: alertmanager\nname: KubeHpaMaxedOut\n"
    "target:\n  kind: HorizontalPodAutoscaler\n  namespace: shop\n  name: web-api\n"
    "</signal>\n"
)


def _tool(name: str) -> StructuredTool:
    async def run(**_: object) -> str:
        return ""

    return StructuredTool.from_function(coroutine=run, name=name, description=name)


TOOLS = [_tool(name) for name in ("describe", "events", "related_objects", "top")]


def test_it_investigates_with_tool_calls_then_stops() -> None:
    model = RulesChatModel().bind_tools(TOOLS)
    first = model.invoke([PROMPT])
    assert isinstance(first, AIMessage)
    assert [c["name"] for c in first.tool_calls] == ["describe", "events", "related_objects"]
    assert first.tool_calls[0]["args"] == {
        "kind": "HorizontalPodAutoscaler",
        "namespace": "shop",
        "name": "web-api",
    }
    answers = [
        ToolMessage(
            frame(c["name"], {"kind": "HorizontalPodAutoscaler", "max_replicas": 4}, 500),
            tool_call_id=c["id"] or "",
            name=c["name"],
        )
        for c in first.tool_calls
    ]
    second = model.invoke([PROMPT, first, *answers])
    assert [c["name"] for c in second.tool_calls] == ["top"]
    done = model.invoke(
        [
            PROMPT,
            first,
            *answers,
            second,
            ToolMessage(
                frame("top", {"rows": []}, 100),
                tool_call_id=second.tool_calls[0]["id"] or "",
                name="top",
            ),
        ]
    )
    assert done.tool_calls == [] and "Investigation complete" in str(done.content)
    assert done.usage_metadata is not None and done.usage_metadata["input_tokens"] > 0
    assert done.response_metadata["token_usage_estimated"] is True


def test_it_recommends_and_moves_to_its_alternative_after_a_denial() -> None:
    describe = ToolMessage(
        frame("describe", {"kind": "HorizontalPodAutoscaler", "max_replicas": 4}, 500),
        tool_call_id="1",
        name="describe",
    )
    calls = AIMessage("", tool_calls=[{"name": "describe", "args": {}, "id": "1"}])
    model = RulesChatModel()
    first = Recommendation.model_validate_json(
        str(model.invoke([PROMPT, calls, describe, HumanMessage("recommend")]).content)
    )
    assert first.action.action == "update_hpa"
    assert first.action.parameters == {"max_replicas": 8}
    assert first.root_cause.category == "scaling"

    denied = AIMessage(first.model_dump_json())
    second = Recommendation.model_validate_json(
        str(
            model.invoke(
                [
                    PROMPT,
                    calls,
                    describe,
                    HumanMessage("recommend"),
                    denied,
                    HumanMessage("denied, again"),
                ]
            ).content
        )
    )
    assert second.action.action == "notify_only"
    assert second.confidence <= 0.5


def test_rules_is_the_last_tier_of_every_chain() -> None:
    assert build_model_chain("openai/gpt-4o").specs[-1] == "rules"
    assert json.dumps(build_model_chain("rules").specs) == '["rules"]'
