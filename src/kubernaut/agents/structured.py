"""Structured output from any chat model: JSON in the reply's text, validated by a
pydantic model, and one chance to repair it.

Parsing the text (rather than relying on a provider's JSON mode or tool-forcing) works
the same for every litellm model and for the rule-based one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from langchain_core.language_models import LanguageModelInput
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_core.runnables import Runnable
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from kubernaut.agents.prompts import render_prompt
from kubernaut.agents.usage import usage_of
from kubernaut.core.usage import TokenUsage

T = TypeVar("T", bound=BaseModel)

FENCED_BLOCK = re.compile(r"```[A-Za-z]*[ \t]*\n(.*?)```", re.DOTALL)
SHOWN_INPUT_CHARS = 80
"""How much of a rejected value an error message quotes."""


class StructuredOutputError(Exception):
    """The model's reply could not be parsed as the schema, even after repairs. The
    message says what was wrong; ``messages`` and ``usage`` are what the attempts cost."""

    def __init__(self, message: str, *, messages: list[BaseMessage], usage: TokenUsage) -> None:
        super().__init__(message)
        self.messages = messages
        self.usage = usage


@dataclass
class StructuredReply(Generic[T]):
    value: T
    messages: list[BaseMessage]
    """Every message the exchange added: the model's replies and any repair prompts."""
    usage: TokenUsage


def parse_structured(text: str, schema: type[T]) -> T:
    """``schema`` from ``text``: raw JSON, a fenced (```json) block, or the first
    balanced ``{...}`` object in prose. Raises ``ValueError`` when there is no JSON
    object, and pydantic's ``ValidationError`` (a ``ValueError``) when it does not fit."""
    return schema.model_validate(_json_object_in(text))


async def ask_structured(
    model: Runnable[LanguageModelInput, BaseMessage],
    messages: list[BaseMessage],
    schema: type[T],
    *,
    repairs: int = 1,
) -> StructuredReply[T]:
    """Ask ``model`` and parse its reply as ``schema``. A reply that does not parse is
    answered with a repair prompt (the error and the JSON schema), up to ``repairs``
    times; then :class:`StructuredOutputError` is raised."""
    if repairs < 0:
        raise ValueError(f"repairs must be 0 or more, not {repairs}")
    conversation = list(messages)
    added: list[BaseMessage] = []
    usage = TokenUsage()
    for attempt in range(repairs + 1):
        reply = await model.ainvoke(conversation)
        added.append(reply)
        usage += usage_of(reply)
        try:
            return StructuredReply(parse_structured(reply.text, schema), added, usage)
        except ValueError as error:
            problem = _describe_problem(error, reply)
        if attempt == repairs:
            break
        repair = HumanMessage(
            render_prompt(
                "repair.md",
                schema_name=schema.__name__,
                error=problem,
                schema=json.dumps(schema.model_json_schema(), indent=2),
            )
        )
        conversation += [reply, repair]
        added.append(repair)
    tries = "with no repair" if repairs == 0 else f"after {_repairs(repairs)}"
    raise StructuredOutputError(
        f"the model's reply is not a valid {schema.__name__} {tries}: {problem}",
        messages=added,
        usage=usage,
    )


def _describe_problem(error: ValueError, reply: BaseMessage) -> str:
    """What was wrong with ``reply``, in words a model (and a person) can act on."""
    if isinstance(error, ValidationError):
        return "; ".join(_describe_field(detail) for detail in error.errors(include_url=False))
    calls = reply.tool_calls if isinstance(reply, AIMessage) else []
    if calls and not reply.text.strip():
        names = ", ".join(call["name"] for call in calls)
        return f"it called tools ({names}) instead of answering with the JSON object"
    return str(error)


def _describe_field(detail: ErrorDetails) -> str:
    where = ".".join(str(part) for part in detail["loc"]) or "the object"
    message = f"{where}: {detail['msg']}"
    if detail["type"] in ("missing", "extra_forbidden"):
        return message
    shown = repr(detail["input"])
    if len(shown) > SHOWN_INPUT_CHARS:
        shown = shown[: SHOWN_INPUT_CHARS - 3] + "..."
    return f"{message}, got {shown}"


def _json_object_in(text: str) -> object:
    stripped = text.strip()
    if not stripped:
        raise ValueError("the reply is empty; it should be the JSON object")
    first_error: json.JSONDecodeError | None = None
    for candidate in _candidates(stripped):
        try:
            return json.loads(candidate)
        except json.JSONDecodeError as error:
            first_error = first_error or error
    if first_error is None and "{" in stripped:
        raise ValueError("the reply's JSON object is never closed: was the reply cut short?")
    if first_error is None:
        raise ValueError("the reply contains no JSON object; it should be only the JSON object")
    raise ValueError(f"the reply's JSON is not valid: {first_error}")


def _candidates(text: str) -> Iterator[str]:
    """Where a JSON object may be, most explicit first."""
    if text.startswith("{"):
        yield text
    for block in FENCED_BLOCK.finditer(text):
        if block.group(1).strip().startswith("{"):
            yield block.group(1).strip()
    yield from _balanced_objects(text)


def _balanced_objects(text: str) -> Iterator[str]:
    """Each outermost ``{...}`` span whose braces balance (outside JSON strings), left
    to right. An object that never closes ends the search: all after it is inside it."""
    start = text.find("{")
    while start != -1:
        end = _closing_brace(text, start)
        if end is None:
            return
        yield text[start : end + 1]
        start = text.find("{", end + 1)


def _closing_brace(text: str, start: int) -> int | None:
    depth, in_string, escaped = 0, False, False
    for index in range(start, len(text)):
        char = text[index]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index
    return None


def _repairs(count: int) -> str:
    return "one repair" if count == 1 else f"{count} repairs"
