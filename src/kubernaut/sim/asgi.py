"""The minimal HTTP layer the API server needs on top of ASGI: requests, responses, streams."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import orjson

from kubernaut.sim.errors import ApiError

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

MAX_BODY_BYTES = 3 * 1024 * 1024
"""The real API server's request size limit."""


@dataclass
class Request:
    method: str
    path: str
    query_string: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    receive: Receive

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None

    def flag(self, name: str) -> bool:
        return (self.param(name) or "").lower() in ("true", "1")

    def json(self) -> dict[str, Any]:
        if not self.body:
            raise ApiError(400, "the request body is empty")
        try:
            decoded = orjson.loads(self.body)
        except orjson.JSONDecodeError as error:
            raise ApiError(400, f"the request body is not valid JSON: {error}") from None
        if not isinstance(decoded, dict):
            raise ApiError(400, "the request body must be a JSON object")
        return decoded

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "application/json").split(";")[0].strip()

    async def disconnected(self) -> None:
        """Returns when the client goes away."""
        while True:
            message = await self.receive()
            if message["type"] == "http.disconnect":
                return


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)


@dataclass
class StreamResponse:
    status: int
    chunks: AsyncIterator[bytes]
    content_type: str = "application/json"


def json_response(payload: Any, status: int = 200) -> Response:
    return Response(status, orjson.dumps(payload))


def text_response(text: str, status: int = 200) -> Response:
    return Response(status, text.encode(), content_type="text/plain")


async def read_request(scope: Scope, receive: Receive) -> Request:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise ApiError(413, "Request entity too large: limit is 3145728")
        chunks.append(chunk)
        if not message.get("more_body"):
            break
    query_string = scope.get("query_string", b"").decode()
    headers = {k.decode().lower(): v.decode() for k, v in scope.get("headers", [])}
    return Request(
        method=scope["method"],
        path=scope["path"],
        query_string=query_string,
        query=parse_qs(query_string, keep_blank_values=True),
        headers=headers,
        body=b"".join(chunks),
        receive=receive,
    )


async def send_response(send: Send, response: Response | StreamResponse) -> None:
    headers = [(b"content-type", response.content_type.encode())]
    if isinstance(response, Response):
        headers.append((b"content-length", str(len(response.body)).encode()))
        headers.extend(response.headers)
        await send({"type": "http.response.start", "status": response.status, "headers": headers})
        await send({"type": "http.response.body", "body": response.body})
        return
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    async for chunk in response.chunks:
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": b""})
