"""The error a broken scenario raises, and pydantic's errors rewritten for scenario authors."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails


class ScenarioError(ValueError):
    """A scenario that cannot be used. Each line of the message names the file, the field
    (as a path such as ``expectations.acceptableActions[0].type``) and what is wrong."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)

    @classmethod
    def at(cls, file: Path, field: str, message: str) -> ScenarioError:
        return cls([f"{file}: {field}: {message}" if field else f"{file}: {message}"])

    @classmethod
    def from_validation(
        cls, file: Path, error: ValidationError, vocabulary: Iterable[str] = ()
    ) -> ScenarioError:
        """One line per problem; ``vocabulary`` (the keys the format knows) feeds the
        "did you mean" hint for unknown fields."""
        known = sorted(set(vocabulary))
        return cls([_line(file, detail, known) for detail in error.errors()])


def field_path(loc: Sequence[int | str]) -> str:
    """``('alerts', 0, 'labels')`` as ``alerts[0].labels``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else part
    return text


def model_keys(root: type[BaseModel]) -> set[str]:
    """Every key (alias) ``root`` and the models nested in it accept."""
    keys: set[str] = set()
    seen: set[type[BaseModel]] = set()
    pending: list[Any] = [root]
    while pending:
        item = pending.pop()
        if isinstance(item, type) and issubclass(item, BaseModel):
            if item not in seen:
                seen.add(item)
                for name, field in item.model_fields.items():
                    keys.add(field.alias or name)
                    pending.append(field.annotation)
        else:
            pending.extend(get_args(item))
    return keys


def did_you_mean(value: str, known: Sequence[str]) -> str:
    """A hint naming the closest of ``known`` to ``value``, or nothing."""
    close = difflib.get_close_matches(value, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _line(file: Path, detail: ErrorDetails, known: list[str]) -> str:
    where = field_path(detail["loc"])
    message = _message(detail, known)
    return f"{file}: {where}: {message}" if where else f"{file}: {message}"


def _message(detail: ErrorDetails, known: list[str]) -> str:
    kind = detail["type"]
    ctx = detail.get("ctx") or {}
    value = detail.get("input")
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return f"unknown field{did_you_mean(str(detail['loc'][-1]), known)}"
    if kind == "value_error":
        return str(ctx.get("error", detail["msg"]))
    if kind in ("literal_error", "enum"):
        return f"{value!r} is not one of {ctx.get('expected')}"
    if kind == "union_tag_invalid":
        tag = str(ctx.get("tag"))
        expected = [name.strip(" '") for name in str(ctx.get("expected_tags")).split(",")]
        return f"{tag!r} is not one of {ctx.get('expected_tags')}{did_you_mean(tag, expected)}"
    if kind == "union_tag_not_found":
        return f"must be a mapping with exactly one key, the predicate's name (got {value!r})"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"must be a mapping (got {_type_name(value)})"
    if kind == "too_short":
        return f"must have at least {ctx.get('min_length')} item(s)"
    if kind == "list_type":
        return f"must be a list (got {_type_name(value)})"
    return str(detail["msg"])


def _type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__
