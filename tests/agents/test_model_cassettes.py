"""Recording a model exchange with vcrpy and replaying it with no server at all.

The committed cassette is replayed as is. To record it again (after changing the
exchange, or when a litellm upgrade changes the requests it sends), run this file with
``KUBERNAUT_RECORD_CASSETTES=1``: the scripted server answers and vcrpy rewrites it.
"""

from __future__ import annotations

import os
from pathlib import Path

import vcr
from agents_support import SCRIPTED, closed_port_url, settings_for
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.tools import tool

from kubernaut.agents.models import build_chat_model
from kubernaut.agents.scripted import ScriptedChatServer, ScriptedReply

CASSETTE = Path(__file__).parent / "cassettes" / "tool_call_exchange.yaml"
RECORD = os.environ.get("KUBERNAUT_RECORD_CASSETTES") == "1"

SCRIPT = [
    ScriptedReply(
        tool_calls=[{"name": "get_events", "arguments": {"namespace": "shop", "name": "web"}}],
        usage=(410, 22),
    ),
    ScriptedReply(content="The image tag web:v9 does not exist: roll back.", usage=(530, 14)),
]
QUESTION: list[BaseMessage] = [HumanMessage("Deployment shop/web is not ready. Why?")]


@tool
def get_events(namespace: str, name: str) -> str:
    """Recent events of an object."""
    return f"Warning Failed pod/{name}-1 in {namespace}: image web:v9 not found"


def recorder(record_mode: str) -> vcr.VCR:
    """Requests match on method, path and body: the host and port of the server that
    answered the recording do not matter."""
    return vcr.VCR(
        record_mode=record_mode,
        match_on=("method", "path", "body"),
        filter_headers=["authorization", "api-key"],
        decode_compressed_response=True,
    )


async def run_exchange(api_base: str) -> tuple[AIMessage, AIMessage]:
    """Ask, answer the tool call, get the conclusion."""
    model = build_chat_model(SCRIPTED, settings_for(api_base, max_retries=0)).bind_tools(
        [get_events]
    )
    first = await model.ainvoke(QUESTION)
    answers = [
        ToolMessage(await get_events.ainvoke(call["args"]), tool_call_id=call["id"] or "")
        for call in first.tool_calls
    ]
    final = await model.ainvoke([*QUESTION, first, *answers])
    assert isinstance(first, AIMessage) and isinstance(final, AIMessage)
    return first, final


async def record(cassette: Path) -> tuple[AIMessage, AIMessage]:
    with ScriptedChatServer(SCRIPT) as server, recorder("all").use_cassette(str(cassette)):
        result = await run_exchange(server.base_url)
    assert len(server.requests) == 2
    return result


def assert_is_the_scripted_exchange(first: AIMessage, final: AIMessage) -> None:
    assert [(call["name"], call["args"], call["id"]) for call in first.tool_calls] == [
        ("get_events", {"namespace": "shop", "name": "web"}, "call_1")
    ]
    assert final.content == "The image tag web:v9 does not exist: roll back."
    assert final.usage_metadata is not None
    assert final.usage_metadata["input_tokens"] == 530


async def test_a_recorded_exchange_replays_without_the_server(tmp_path: Path) -> None:
    cassette = tmp_path / "exchange.yaml"
    recorded = await record(cassette)
    text = cassette.read_text()
    assert "get_events" in text
    assert "authorization" not in text.lower() and "Bearer" not in text

    with recorder("none").use_cassette(str(cassette)):
        replayed = await run_exchange(closed_port_url())
    assert_is_the_scripted_exchange(*replayed)
    assert [message.content for message in replayed] == [message.content for message in recorded]


async def test_the_committed_cassette_replays() -> None:
    if RECORD:
        await record(CASSETTE)
    with recorder("none").use_cassette(str(CASSETTE)) as cassette:
        first, final = await run_exchange(closed_port_url())
        assert cassette.all_played
    assert_is_the_scripted_exchange(first, final)
