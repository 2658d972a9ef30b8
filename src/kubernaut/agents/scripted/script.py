"""What the scripted server answers: replies and errors, in order or from a function."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any


@dataclass
class ScriptedReply:
    """One assistant turn: text, tool calls, or both.

    Each tool call is ``{"name": ..., "arguments": {...}}`` and may carry its own
    ``"id"``; otherwise the server numbers them ``call_1``, ``call_2``... ``usage`` is
    ``(prompt_tokens, completion_tokens)``; when absent it is estimated at about four
    characters a token.
    """

    content: str | None = None
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    usage: tuple[int, int] | None = None


@dataclass
class ScriptedError:
    """An HTTP error answer, such as 429 with ``retry_after`` seconds, or a 500."""

    status: int
    message: str = ""
    retry_after: float | None = None

    @property
    def text(self) -> str:
        if self.message:
            return self.message
        try:
            return HTTPStatus(self.status).phrase
        except ValueError:
            return f"error {self.status}"


Answer = ScriptedReply | ScriptedError
Responder = Callable[[dict[str, Any]], Answer]
"""Computes the answer to a request from its JSON body."""


class Script:
    """Hands out the answer to each request: the next item of a list, or a responder's."""

    def __init__(self, script: Sequence[Answer] | Responder) -> None:
        self._responder: Responder | None = None
        self._answers: list[Answer] = []
        if callable(script):
            self._responder = script
        else:
            self._answers = list(script)
        self._served = 0

    def answer(self, body: dict[str, Any]) -> Answer:
        if self._responder is not None:
            return self._responder(body)
        index = self._served
        self._served += 1
        if index >= len(self._answers):
            return ScriptedError(
                500,
                f"the script is exhausted: it has {len(self._answers)} answer(s) and this is "
                f"request {index + 1}; add answers for every request the code makes",
            )
        return self._answers[index]
