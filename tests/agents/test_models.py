"""Chat models built from a string, reached through litellm over HTTP (the scripted
server), with retries, timeouts, fallbacks and token usage."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest
from agents_support import SCRIPTED, closed_port_url, settings_for
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    HumanMessage,
    ToolMessage,
)
from langchain_core.tools import tool

from kubernaut.agents.models import (
    MODEL_METADATA_KEY,
    ModelCallError,
    ModelChain,
    ModelConfigError,
    build_chat_model,
    build_model_chain,
)
from kubernaut.agents.scripted import ScriptedChatServer, ScriptedError, ScriptedReply
from kubernaut.agents.usage import usage_of

QUESTION = [HumanMessage("Why is Deployment shop/web failing?")]
LOOK = ScriptedReply(
    tool_calls=[{"name": "get_pod_logs", "arguments": {"namespace": "shop", "pod": "web-1"}}]
)
ANSWER = ScriptedReply(content="web-1 is killed for using more memory than its limit.")


@tool
def get_pod_logs(namespace: str, pod: str) -> str:
    """The last lines of a pod's log."""
    return f"{namespace}/{pod}: java.lang.OutOfMemoryError: Java heap space"


async def answer_tool_calls(reply: AIMessage) -> list[ToolMessage]:
    return [
        ToolMessage(await get_pod_logs.ainvoke(call["args"]), tool_call_id=call["id"] or "")
        for call in reply.tool_calls
    ]


async def test_a_tool_call_is_returned_answered_and_the_answer_reaches_the_model() -> None:
    with ScriptedChatServer([LOOK, ANSWER]) as server:
        model = build_chat_model(SCRIPTED, settings_for(server)).bind_tools([get_pod_logs])
        first = await model.ainvoke(QUESTION)
        assert first.tool_calls == [
            {
                "name": "get_pod_logs",
                "args": {"namespace": "shop", "pod": "web-1"},
                "id": "call_1",
                "type": "tool_call",
            }
        ]
        results = await answer_tool_calls(first)
        final = await model.ainvoke([*QUESTION, first, *results])
    assert final.content == ANSWER.content
    assert server.requests[0]["tools"][0]["function"]["name"] == "get_pod_logs"
    sent = server.requests[1]["messages"]
    assert sent[-1] == {
        "role": "tool",
        "tool_call_id": "call_1",
        "content": "shop/web-1: java.lang.OutOfMemoryError: Java heap space",
    }
    assert sent[-2]["tool_calls"][0]["function"]["name"] == "get_pod_logs"


async def test_a_streamed_tool_call_and_answer_arrive_in_pieces() -> None:
    with ScriptedChatServer([LOOK, ANSWER]) as server:
        model = build_chat_model(SCRIPTED, settings_for(server)).bind_tools([get_pod_logs])
        first, first_pieces = await streamed(model.astream(QUESTION))
        results = await answer_tool_calls(first)
        final, final_pieces = await streamed(model.astream([*QUESTION, first, *results]))
    assert first.tool_calls[0]["args"] == {"namespace": "shop", "pod": "web-1"}
    assert final.content == ANSWER.content
    assert first_pieces > 3 and final_pieces > 3
    assert all(request["stream"] for request in server.requests)
    assert server.requests[1]["messages"][-1]["tool_call_id"] == "call_1"


async def streamed(chunks: AsyncIterator[BaseMessage]) -> tuple[AIMessageChunk, int]:
    merged: AIMessageChunk | None = None
    count = 0
    async for chunk in chunks:
        assert isinstance(chunk, AIMessageChunk)
        merged = chunk if merged is None else merged + chunk
        count += 1
    assert merged is not None
    return merged, count


async def test_token_usage_reported_by_the_server_is_the_reply_usage() -> None:
    script = [ScriptedReply(content="a", usage=(321, 12)), ScriptedReply(content="b", usage=(5, 7))]
    with ScriptedChatServer(script) as server:
        model = build_chat_model(SCRIPTED, settings_for(server))
        plain = await model.ainvoke(QUESTION)
        streamed_reply, _ = await streamed(model.astream(QUESTION))
    assert usage_of(plain).prompt_tokens == 321
    assert usage_of(plain).completion_tokens == 12
    assert (usage_of(streamed_reply).prompt_tokens, usage_of(streamed_reply).completion_tokens) == (
        5,
        7,
    )
    assert usage_of(HumanMessage("no usage on a prompt")).prompt_tokens == 0


async def test_429_with_retry_after_then_500_are_retried_until_an_answer() -> None:
    script = [ScriptedError(429, retry_after=0.3), ScriptedError(500, "boom"), ANSWER]
    with ScriptedChatServer(script) as server:
        model = build_chat_model(SCRIPTED, settings_for(server, backoff_base=0.01))
        started = time.monotonic()
        reply = await model.ainvoke(QUESTION)
        elapsed = time.monotonic() - started
    assert reply.content == ANSWER.content
    assert len(server.requests) == 3
    assert elapsed >= 0.3, "the server's Retry-After was not honoured"
    assert elapsed < 3


def test_blocking_calls_are_retried_too() -> None:
    with ScriptedChatServer([ScriptedError(502), ANSWER]) as server:
        reply = build_chat_model(SCRIPTED, settings_for(server)).invoke(QUESTION)
    assert reply.content == ANSWER.content
    assert len(server.requests) == 2


async def test_retries_exhausted_raise_an_error_that_says_what_to_do() -> None:
    with ScriptedChatServer([ScriptedError(503, "overloaded")] * 3) as server:
        model = build_chat_model(SCRIPTED, settings_for(server, max_retries=2))
        with pytest.raises(ModelCallError) as raised:
            await model.ainvoke(QUESTION)
    assert len(server.requests) == 3
    message = str(raised.value)
    assert "openai/scripted did not answer after 3 attempt(s)" in message
    assert "503 overloaded" in message
    assert "KUBERNAUT_MODEL_MAX_RETRIES" in message
    assert raised.value.status == 503


async def test_a_refused_request_is_not_retried_and_names_the_fix() -> None:
    with ScriptedChatServer([ScriptedError(401, "invalid api key")]) as server:
        model = build_chat_model(SCRIPTED, settings_for(server))
        with pytest.raises(ModelCallError) as raised:
            await model.ainvoke(QUESTION)
    assert len(server.requests) == 1
    assert "refused the request (401 invalid api key)" in str(raised.value)
    assert "KUBERNAUT_MODEL_API_KEY" in str(raised.value)


async def test_the_timeout_bounds_each_request() -> None:
    with ScriptedChatServer([ANSWER, ANSWER], delay=1.0) as server:
        model = build_chat_model(SCRIPTED, settings_for(server, timeout=0.2, max_retries=1))
        started = time.monotonic()
        with pytest.raises(ModelCallError) as raised:
            await model.ainvoke(QUESTION)
        elapsed = time.monotonic() - started
    assert "timeout" in str(raised.value)
    assert len(server.requests) == 2
    assert elapsed < 1.5


async def test_a_failing_primary_falls_back_and_the_answering_tier_is_named() -> None:
    with (
        ScriptedChatServer([ScriptedError(500)] * 4) as broken,
        ScriptedChatServer([LOOK, ANSWER]) as healthy,
    ):
        chain = ModelChain(
            [
                (
                    "openai/primary",
                    build_chat_model("openai/primary", settings_for(broken, max_retries=1)),
                ),
                ("openai/backup", build_chat_model("openai/backup", settings_for(healthy))),
            ]
        )
        model = chain.bind_tools([get_pod_logs])
        first = await model.ainvoke(QUESTION)
        streamed_reply, _ = await streamed(model.astream(QUESTION))
    assert first.tool_calls[0]["name"] == "get_pod_logs"
    assert first.response_metadata[MODEL_METADATA_KEY] == "openai/backup"
    assert streamed_reply.response_metadata[MODEL_METADATA_KEY] == "openai/backup"
    assert streamed_reply.content == ANSWER.content
    assert len(broken.requests) == 4, "each call tries the primary with one retry"
    assert len(healthy.requests) == 2


async def test_the_answering_primary_is_named_too() -> None:
    with ScriptedChatServer([ANSWER]) as server:
        chain = build_model_chain(SCRIPTED, settings=settings_for(server))
        reply = await chain.plain().ainvoke(QUESTION)
    assert reply.response_metadata[MODEL_METADATA_KEY] == SCRIPTED


async def test_an_unreachable_model_falls_back_to_the_rules() -> None:
    from kubernaut.agents.rules import RulesChatModel

    chain = build_model_chain(SCRIPTED, settings=settings_for(closed_port_url(), max_retries=0))
    assert chain.specs == [SCRIPTED, "rules"]
    assert isinstance(chain.models[-1], RulesChatModel)
    reply: BaseMessage = await chain.plain().ainvoke(QUESTION)
    assert reply.response_metadata[MODEL_METADATA_KEY] == "rules"


def test_rules_resolves_to_the_rule_based_model() -> None:
    from kubernaut.agents.rules import RulesChatModel

    assert isinstance(build_chat_model("rules"), RulesChatModel)
    assert isinstance(build_chat_model(" Rules "), RulesChatModel)


def test_the_chain_appends_rules_unless_told_not_to() -> None:
    settings = settings_for(closed_port_url())
    assert build_model_chain("openai/a", ["anthropic/b"], settings).specs == [
        "openai/a",
        "anthropic/b",
        "rules",
    ]
    assert build_model_chain("openai/a", ["rules"], settings).specs == ["openai/a", "rules"]
    assert build_model_chain("rules").specs == ["rules"]
    assert build_model_chain("openai/a", settings=settings, rules_last=False).specs == ["openai/a"]


def test_rules_before_other_models_is_refused() -> None:
    with pytest.raises(ModelConfigError, match="put rules last"):
        build_model_chain("rules", ["openai/gpt-4o"])


@pytest.mark.parametrize(
    ("spec", "advice"),
    [
        ("", "write a model such as openai/gpt-4o"),
        ("llama3", "prefix it with one, e.g. openai/llama3"),
        ("opena/gpt-4o", "did you mean openai/gpt-4o"),
        ("nosuch/model", "Write <provider>/<model> with a provider litellm knows"),
        ("openai/", "write openai/<model>"),
        ("rule", "did you mean rules?"),
    ],
)
def test_a_spec_litellm_cannot_route_says_what_to_write(spec: str, advice: str) -> None:
    with pytest.raises(ModelConfigError) as raised:
        build_chat_model(spec)
    assert advice in str(raised.value)


def test_litellm_specs_of_known_providers_build_without_a_network() -> None:
    for spec in ("openai/gpt-4o", "anthropic/claude-sonnet-4-5", "ollama/llama3.1", "gpt-4o"):
        assert build_chat_model(spec).model == spec  # type: ignore[attr-defined]
