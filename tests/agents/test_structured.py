"""Structured output: a Recommendation parsed from the model's text, repaired once when
it does not fit, through litellm and the scripted server."""

from __future__ import annotations

import json

import pytest
from agents_support import RECOMMENDATION, SCRIPTED, settings_for
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from pydantic import ValidationError

from kubernaut.agents.models import build_chat_model
from kubernaut.agents.scripted import ScriptedChatServer, ScriptedReply
from kubernaut.agents.structured import StructuredOutputError, ask_structured, parse_structured
from kubernaut.core.recommendation import Recommendation

GOOD = RECOMMENDATION.model_dump_json(indent=2)
MEMORY_CATEGORY = GOOD.replace('"resource-exhaustion"', '"memory"')
PROMPT = [SystemMessage("You are an SRE."), HumanMessage("Recommend a remediation as JSON.")]


@pytest.mark.parametrize(
    "text",
    [
        GOOD,
        f"```json\n{GOOD}\n```",
        f"Here is my recommendation:\n\n```\n{GOOD}\n```\nIt should help.",
        f"The root cause is memory. {GOOD} Let me know.",
        f'Note the {{braces}} in "quotes". {GOOD}',
    ],
    ids=["raw", "fenced-json", "fenced-plain", "in-prose", "after-other-braces"],
)
def test_a_recommendation_is_found_wherever_the_reply_puts_it(text: str) -> None:
    assert parse_structured(text, Recommendation) == RECOMMENDATION


def test_braces_inside_strings_do_not_cut_the_object_short() -> None:
    tricky = RECOMMENDATION.model_copy(
        update={"action": RECOMMENDATION.action.model_copy(update={"rationale": 'a "}" {'})}
    )
    assert parse_structured(f"Answer: {tricky.model_dump_json()}", Recommendation) == tricky


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "the reply is empty"),
        ("I think you should add memory.", "contains no JSON object"),
        ('{"root_cause": {"category": ', "the reply's JSON is not valid"),
        ('Sure: {"root_cause": {"category": "image"', "never closed"),
    ],
)
def test_text_without_a_json_object_says_so(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_structured(text, Recommendation)


def test_json_of_the_wrong_shape_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match=r"root_cause\.category"):
        parse_structured(MEMORY_CATEGORY, Recommendation)


async def test_ask_structured_parses_the_reply_and_counts_its_tokens() -> None:
    with ScriptedChatServer([ScriptedReply(content=GOOD, usage=(900, 150))]) as server:
        model = build_chat_model(SCRIPTED, settings_for(server))
        reply = await ask_structured(model, PROMPT, Recommendation)
    assert reply.value == RECOMMENDATION
    assert [type(message) for message in reply.messages] == [AIMessage]
    assert (reply.usage.prompt_tokens, reply.usage.completion_tokens) == (900, 150)


async def test_a_malformed_reply_is_repaired_once() -> None:
    script = [
        ScriptedReply(content=MEMORY_CATEGORY, usage=(900, 150)),
        ScriptedReply(content=f"```json\n{GOOD}\n```", usage=(1200, 150)),
    ]
    with ScriptedChatServer(script) as server:
        model = build_chat_model(SCRIPTED, settings_for(server))
        reply = await ask_structured(model, PROMPT, Recommendation)
    assert reply.value == RECOMMENDATION
    assert [type(message) for message in reply.messages] == [AIMessage, HumanMessage, AIMessage]
    assert reply.usage.prompt_tokens == 2100
    repair_request = server.requests[1]["messages"]
    assert repair_request[-2] == {"role": "assistant", "content": MEMORY_CATEGORY}
    repair_prompt = repair_request[-1]["content"]
    assert "root_cause.category: Input should be 'resource-exhaustion'" in repair_prompt
    assert "got 'memory'" in repair_prompt
    assert json.dumps(Recommendation.model_json_schema(), indent=2) in repair_prompt


async def test_malformed_twice_fails_with_the_reason() -> None:
    script = [ScriptedReply(content=MEMORY_CATEGORY), ScriptedReply(content=MEMORY_CATEGORY)]
    with ScriptedChatServer(script) as server:
        model = build_chat_model(SCRIPTED, settings_for(server))
        with pytest.raises(StructuredOutputError) as raised:
            await ask_structured(model, PROMPT, Recommendation)
    message = str(raised.value)
    assert message.startswith(
        "the model's reply is not a valid Recommendation after one repair: "
        "root_cause.category: Input should be"
    )
    assert message.endswith("got 'memory'")
    assert len(raised.value.messages) == 3
    assert raised.value.usage.completion_tokens > 0
    assert len(server.requests) == 2


async def test_without_repairs_a_missing_field_fails_at_once() -> None:
    incomplete = json.dumps({"root_cause": json.loads(GOOD)["root_cause"], "confidence": 0.5})
    with ScriptedChatServer([ScriptedReply(content=incomplete)]) as server:
        model = build_chat_model(SCRIPTED, settings_for(server))
        with pytest.raises(StructuredOutputError, match="with no repair: action: Field required"):
            await ask_structured(model, PROMPT, Recommendation, repairs=0)
    assert len(server.requests) == 1


async def test_a_tool_call_instead_of_json_is_named_in_the_repair() -> None:
    script = [
        ScriptedReply(tool_calls=[{"name": "get_pod", "arguments": {"name": "web-1"}}]),
        ScriptedReply(content=GOOD),
    ]
    with ScriptedChatServer(script) as server:
        model = build_chat_model(SCRIPTED, settings_for(server))
        reply = await ask_structured(model, PROMPT, Recommendation)
    assert reply.value == RECOMMENDATION
    assert (
        "it called tools (get_pod) instead of answering"
        in (server.requests[1]["messages"][-1]["content"])
    )
