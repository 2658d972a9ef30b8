"""The ASGI application of the scripted server: ``POST /v1/chat/completions`` and
``GET /v1/models``, answered from a :class:`Script`."""

from __future__ import annotations

import asyncio
import itertools
import json
import math
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from kubernaut.agents.scripted.completions import Completion
from kubernaut.agents.scripted.script import Script, ScriptedError

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

COMPLETIONS_PATH = "/v1/chat/completions"
MODELS_PATH = "/v1/models"


class ScriptedChatApp:
    def __init__(self, script: Script, *, delay: float = 0.0) -> None:
        self.script = script
        self.delay = delay
        self.requests: list[dict[str, Any]] = []
        """The JSON bodies of the completion requests received, in order."""
        self._completions = itertools.count(1)
        self._tool_calls = itertools.count(1)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        method, path = scope["method"], scope["path"].rstrip("/")
        if path == COMPLETIONS_PATH and method == "POST":
            await self._complete(await _read_body(receive), send)
        elif path == MODELS_PATH and method == "GET":
            models = [{"id": "scripted", "object": "model", "created": 0, "owned_by": "kubernaut"}]
            await _send_json(send, 200, {"object": "list", "data": models})
        elif path in (COMPLETIONS_PATH, MODELS_PATH):
            await _send_error(send, ScriptedError(405, f"{method} is not allowed on {path}"))
        else:
            await _send_error(
                send,
                ScriptedError(404, f"no such endpoint {path}: use {COMPLETIONS_PATH}"),
            )

    async def _complete(self, raw: bytes, send: Send) -> None:
        try:
            body = json.loads(raw)
        except ValueError as error:
            await _send_error(send, ScriptedError(400, f"the body is not valid JSON: {error}"))
            return
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            await _send_error(send, ScriptedError(400, "the body needs a 'messages' list"))
            return
        self.requests.append(body)
        if self.delay:
            await asyncio.sleep(self.delay)
        answer = self.script.answer(body)
        if isinstance(answer, ScriptedError):
            await _send_error(send, answer)
            return
        completion = Completion.of(
            answer,
            body,
            number=next(self._completions),
            next_call_id=lambda: f"call_{next(self._tool_calls)}",
        )
        if body.get("stream"):
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            await _send_stream(send, completion.chunks(include_usage=include_usage))
        else:
            await _send_json(send, 200, completion.body())


async def _read_body(receive: Receive) -> bytes:
    parts: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        parts.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(parts)


async def _send_json(
    send: Send, status: int, body: dict[str, Any], headers: Sequence[tuple[bytes, bytes]] = ()
) -> None:
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


async def _send_error(send: Send, error: ScriptedError) -> None:
    """In OpenAI's error format; a ``retry_after`` is sent as OpenAI sends it: whole
    seconds in ``Retry-After`` and the exact value in ``retry-after-ms``."""
    headers: list[tuple[bytes, bytes]] = []
    if error.retry_after is not None:
        headers += [
            (b"retry-after", str(math.ceil(error.retry_after)).encode()),
            (b"retry-after-ms", str(round(error.retry_after * 1000)).encode()),
        ]
    kind = (
        "rate_limit_error"
        if error.status == 429
        else "server_error"
        if error.status >= 500
        else "invalid_request_error"
    )
    body = {"error": {"message": error.text, "type": kind, "param": None, "code": error.status}}
    await _send_json(send, error.status, body, headers)


async def _send_stream(send: Send, chunks: list[dict[str, Any]]) -> None:
    """Server-sent events: one ``data:`` line per chunk, then ``data: [DONE]``."""
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")],
        }
    )
    for chunk in chunks:
        event = f"data: {json.dumps(chunk)}\n\n".encode()
        await send({"type": "http.response.body", "body": event, "more_body": True})
    await send({"type": "http.response.body", "body": b"data: [DONE]\n\n"})
