"""The scripted server over plain HTTP: what an OpenAI client receives from it."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest

from kubernaut.agents.scripted import ScriptedChatServer, ScriptedError, ScriptedReply

ASK = {"model": "scripted", "messages": [{"role": "user", "content": "why is web failing?"}]}
LOOK = ScriptedReply(
    content="Let me look.",
    tool_calls=[{"name": "get_pod", "arguments": {"namespace": "shop", "name": "web-1"}}],
)


def post(server: ScriptedChatServer, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(f"{server.base_url}/chat/completions", json=body, timeout=10)


def events(response: httpx.Response) -> list[str]:
    return [line.removeprefix("data: ") for line in response.text.splitlines() if line]


def test_a_reply_comes_back_as_a_chat_completion_with_numbered_tool_calls() -> None:
    with ScriptedChatServer([LOOK, ScriptedReply(content="done", usage=(120, 8))]) as server:
        first = post(server, ASK).json()
        second = post(server, ASK).json()
    choice = first["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    assert choice["message"]["content"] == "Let me look."
    (call,) = choice["message"]["tool_calls"]
    assert call["id"] == "call_1"
    assert call["function"]["name"] == "get_pod"
    assert json.loads(call["function"]["arguments"]) == {"namespace": "shop", "name": "web-1"}
    assert first["usage"]["prompt_tokens"] > 0
    assert second["choices"][0]["finish_reason"] == "stop"
    assert second["usage"] == {"prompt_tokens": 120, "completion_tokens": 8, "total_tokens": 128}
    assert server.requests == [ASK, ASK]


def test_a_streamed_reply_sends_text_and_tool_call_deltas_then_usage_and_done() -> None:
    with ScriptedChatServer([LOOK]) as server:
        body = {**ASK, "stream": True, "stream_options": {"include_usage": True}}
        response = post(server, body)
    assert response.headers["content-type"].startswith("text/event-stream")
    *data, done = events(response)
    assert done == "[DONE]"
    chunks = [json.loads(item) for item in data]
    deltas = [chunk["choices"][0]["delta"] for chunk in chunks if chunk["choices"]]
    assert "".join(delta.get("content") or "" for delta in deltas) == "Let me look."
    tool_deltas = [delta["tool_calls"][0] for delta in deltas if "tool_calls" in delta]
    assert tool_deltas[0]["function"]["name"] == "get_pod"
    assert len(tool_deltas) > 2, "the arguments should arrive in several pieces"
    arguments = "".join(delta["function"]["arguments"] for delta in tool_deltas)
    assert json.loads(arguments) == {"namespace": "shop", "name": "web-1"}
    assert chunks[-2]["choices"][0]["finish_reason"] == "tool_calls"
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["total_tokens"] > 0


def test_errors_are_answered_in_openai_format_with_retry_after() -> None:
    script = [ScriptedError(429, retry_after=0.25), ScriptedError(503, "overloaded")]
    with ScriptedChatServer(script) as server:
        limited = post(server, ASK)
        overloaded = post(server, ASK)
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "1"
    assert limited.headers["retry-after-ms"] == "250"
    assert limited.json()["error"]["message"] == "Too Many Requests"
    assert overloaded.status_code == 503
    assert overloaded.json()["error"]["message"] == "overloaded"


def test_running_past_the_end_of_the_script_fails_loudly() -> None:
    with ScriptedChatServer([ScriptedReply(content="only one")]) as server:
        post(server, ASK)
        exhausted = post(server, ASK)
    assert exhausted.status_code == 500
    assert (
        "the script is exhausted: it has 1 answer(s) and this is request 2"
        in (exhausted.json()["error"]["message"])
    )


def test_a_responder_answers_from_the_request_body() -> None:
    def echo(body: dict[str, Any]) -> ScriptedReply:
        return ScriptedReply(content=f"you said: {body['messages'][-1]['content']}")

    with ScriptedChatServer(echo) as server:
        replies = [post(server, ASK).json() for _ in range(3)]
    assert {reply["choices"][0]["message"]["content"] for reply in replies} == {
        "you said: why is web failing?"
    }


def test_delay_holds_every_answer_back() -> None:
    with ScriptedChatServer([ScriptedReply(content="late")], delay=0.3) as server:
        started = time.monotonic()
        post(server, ASK)
        assert time.monotonic() - started >= 0.3


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/chat/completions", 405), ("POST", "/embeddings", 404)],
)
def test_other_endpoints_say_what_is_served(method: str, path: str, status: int) -> None:
    with ScriptedChatServer([]) as server:
        response = httpx.request(method, server.base_url + path, timeout=10)
    assert response.status_code == status
    assert "/v1/chat/completions" in response.json()["error"]["message"]


def test_a_body_without_messages_is_a_bad_request() -> None:
    with ScriptedChatServer([ScriptedReply(content="unused")]) as server:
        response = post(server, {"model": "scripted"})
    assert response.status_code == 400
    assert "'messages'" in response.json()["error"]["message"]
    assert server.requests == []


async def test_it_runs_as_an_async_context_manager_and_lists_a_model() -> None:
    async with httpx.AsyncClient(timeout=5) as client:
        async with ScriptedChatServer([]) as server:
            models = (await client.get(f"{server.base_url}/models")).json()
        assert [model["id"] for model in models["data"]] == ["scripted"]
        with pytest.raises(httpx.ConnectError):
            await client.get(f"{server.base_url}/models")
