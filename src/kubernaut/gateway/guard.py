"""What every signal request passes before its endpoint sees it, in this order:
authentication (401), the rate limit (429 with Retry-After), the content type (415) and
the body size (413). The body is read here, at most the limit, and handed on."""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from kubernaut.gateway.auth import Authenticator
from kubernaut.gateway.limits import RateLimiter
from kubernaut.gateway.metrics import GatewayMetrics
from kubernaut.gateway.problems import Problem, problem_slug
from kubernaut.kube import KubeError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SIGNALS_PREFIX = "/api/v1/signals/"
JSON = "application/json"
ACCEPTED_TYPES: dict[str, frozenset[str]] = {
    "cloudwatch": frozenset({JSON, "text/plain"}),
}
"""SNS posts its JSON as text/plain; every other endpoint takes application/json."""


def media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


class SignalGuard:
    def __init__(
        self,
        app: ASGIApp,
        *,
        authenticator: Authenticator,
        limiter: RateLimiter,
        metrics: GatewayMetrics,
        max_body_bytes: int,
    ) -> None:
        self.app = app
        self.authenticator = authenticator
        self.limiter = limiter
        self.metrics = metrics
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or not path.startswith(SIGNALS_PREFIX):
            await self.app(scope, receive, send)
            return
        source = path[len(SIGNALS_PREFIX) :].strip("/") or "(none)"
        started = time.perf_counter()
        status: list[int] = []

        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(int(message["status"]))
            await send(message)

        try:
            body = await self._admit(scope, receive, source)
        except Problem as problem:
            await problem.response(path)(scope, receive, recording_send)
        else:
            await self.app(scope, _replay(body), recording_send)
        finally:
            code = status[0] if status else 500
            if code >= 400:
                self.metrics.rejected.labels(problem_slug(code)).inc()
            self.metrics.latency.labels(source).observe(time.perf_counter() - started)

    async def _admit(self, scope: Scope, receive: Receive, source: str) -> bytes:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        try:
            principal = await self.authenticator.authenticate(headers.get("authorization", ""))
        except KubeError as error:
            raise Problem(
                503,
                f"tokens cannot be checked now: {error}",
                headers={"Retry-After": "5"},
            ) from error
        if principal is None:
            raise Problem(
                401,
                "send Authorization: Bearer <token> with a token the gateway accepts "
                "(docs/gateway.md, Authentication)",
                headers={"WWW-Authenticate": 'Bearer realm="kubernaut-gateway"'},
            )
        wait = self.limiter.take(source, principal.name)
        if wait > 0:
            raise Problem(
                429,
                f"more than the allowed rate of requests to {source} from {principal.name}; "
                f"try again in {math.ceil(wait)} s",
                headers={"Retry-After": str(max(1, math.ceil(wait)))},
            )
        if scope["method"] != "POST":
            return b""
        accepted = ACCEPTED_TYPES.get(source, frozenset({JSON}))
        sent = media_type(headers.get("content-type", ""))
        if sent not in accepted:
            raise Problem(
                415,
                f"Content-Type {sent or '(none)'} is not accepted here; send "
                f"{' or '.join(sorted(accepted))}",
            )
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            raise self._too_large()
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                raise self._too_large()
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    def _too_large(self) -> Problem:
        return Problem(
            413,
            f"the body is larger than {self.max_body_bytes} bytes; send fewer alerts per "
            "request (Alertmanager: lower max_alerts)",
        )


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive
