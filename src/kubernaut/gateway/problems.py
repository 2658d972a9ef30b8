"""RFC 9457 problem details: every error the gateway answers is one of these, with a
``type`` naming the problem, a ``detail`` saying what to change, and for invalid bodies
the bad fields."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "https://kubernaut.io/problems/"

logger = logging.getLogger(__name__)

_TITLES: dict[int, str] = {
    400: "Invalid signal",
    401: "Unauthenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    413: "Body too large",
    415: "Unsupported media type",
    429: "Too many requests",
    500: "Internal error",
    502: "Upstream failure",
    503: "Service unavailable",
}
_SLUGS: dict[int, str] = {
    400: "invalid-signal",
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    413: "body-too-large",
    415: "unsupported-media-type",
    429: "rate-limited",
    500: "internal-error",
    502: "upstream-failure",
    503: "unavailable",
}


def problem_slug(status: int) -> str:
    """The last part of the ``type`` of a problem with this status."""
    return _SLUGS.get(status, f"http-{status}")


class Problem(Exception):
    """An error answered as problem details. ``slug`` names its ``type``."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        slug: str | None = None,
        title: str | None = None,
        errors: Sequence[Mapping[str, str]] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.slug = slug or problem_slug(status)
        self.title = title or _TITLES.get(status, "Error")
        self.errors = list(errors)
        self.headers = dict(headers or {})

    def body(self, instance: str = "") -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": PROBLEM_BASE + self.slug,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if instance:
            body["instance"] = instance
        if self.errors:
            body["errors"] = [dict(error) for error in self.errors]
        return body

    def response(self, instance: str = "") -> Response:
        return Response(
            json.dumps(self.body(instance)),
            status_code=self.status,
            media_type=PROBLEM_MEDIA_TYPE,
            headers=self.headers,
        )


def field_path(location: Sequence[str | int]) -> str:
    """``("body", "alerts", 0, "labels")`` as ``alerts[0].labels``."""
    path = ""
    for part in location:
        if part == "body" and not path:
            continue
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "(body)"


def validation_problem(errors: Sequence[Mapping[str, Any]]) -> Problem:
    """A 400 naming each bad field, from pydantic's error list."""
    listed = [
        {"field": field_path(error.get("loc") or ()), "message": str(error.get("msg", ""))}
        for error in errors
    ]
    first = listed[0] if listed else {"field": "(body)", "message": "invalid"}
    more = f" (and {len(listed) - 1} more)" if len(listed) > 1 else ""
    return Problem(400, f"{first['field']}: {first['message']}{more}", errors=listed)


def install_problem_handlers(app: FastAPI) -> None:
    """Every error the app raises leaves as problem details, never as a stack trace."""

    async def on_problem(request: Request, problem: Exception) -> Response:
        assert isinstance(problem, Problem)
        return problem.response(request.url.path)

    async def on_validation(request: Request, error: Exception) -> Response:
        assert isinstance(error, RequestValidationError)
        return validation_problem(error.errors()).response(request.url.path)

    async def on_http(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        headers = dict(error.headers or {})
        detail = error.detail if isinstance(error.detail, str) else _TITLES.get(error.status_code)
        return Problem(error.status_code, str(detail), headers=headers).response(request.url.path)

    async def on_crash(request: Request, error: Exception) -> Response:
        logger.exception("gateway failed on %s %s", request.method, request.url.path)
        problem = Problem(500, "the gateway failed on this request; its log has the details")
        return problem.response(request.url.path)

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(HTTPException, on_http)
    app.add_exception_handler(Exception, on_crash)
