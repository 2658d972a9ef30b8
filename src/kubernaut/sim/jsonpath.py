"""The Kubernetes JSONPath subset that CRD ``additionalPrinterColumns`` use.

Supported: child keys (``.a.b``, with ``\\.`` escaping a literal dot), bracket keys
(``['app.kubernetes.io/name']``), indexes and slices (``[0]``, ``[-1]``, ``[1:3]``),
unions (``[0,2]``, ``['a','b']``), wildcards (``.*``, ``[*]``), recursive descent
(``..name``) and filters (``[?(@.type=="Ready")]`` with ``== != < <= > >=``, or a bare
``[?(@.field)]`` existence test). The whole expression may be wrapped in ``{ }`` and start
with ``$``.

Like the API server (which evaluates printer columns with missing keys allowed), a path
that leads nowhere yields no values rather than an error; only a malformed expression
raises :class:`ValueError`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import NoneType
from typing import Any, Protocol

__all__ = ["JSONPath", "evaluate", "parse"]

# Characters that end an unescaped field name (``\\`` escapes any of them).
_NAME_TERMINATORS = frozenset(".[](){}'\",=!<>@ \t\r\n")
_COMPARISONS = ("==", "!=", "<=", ">=", "<", ">")
_INDEX = re.compile(r"-?\d+")
_SLICE = re.compile(r"(-?\d+)?:(-?\d+)?(?::(-?\d+)?)?")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


class _Step(Protocol):
    def apply(self, node: Any) -> Iterator[Any]: ...


def _children(node: Any) -> Iterator[Any]:
    if isinstance(node, Mapping):
        yield from node.values()
    elif isinstance(node, list):
        yield from node


@dataclass(frozen=True)
class _Child:
    name: str

    def apply(self, node: Any) -> Iterator[Any]:
        if isinstance(node, Mapping) and self.name in node:
            yield node[self.name]


@dataclass(frozen=True)
class _AnyChild:
    def apply(self, node: Any) -> Iterator[Any]:
        yield from _children(node)


@dataclass(frozen=True)
class _Select:
    """A bracket union: list indexes, list slices and mapping keys."""

    selectors: tuple[int | slice | str, ...]

    def apply(self, node: Any) -> Iterator[Any]:
        for selector in self.selectors:
            if isinstance(selector, str):
                if isinstance(node, Mapping) and selector in node:
                    yield node[selector]
            elif isinstance(node, list):
                if isinstance(selector, slice):
                    yield from node[selector]
                elif -len(node) <= selector < len(node):
                    yield node[selector]


@dataclass(frozen=True)
class _Descend:
    """``..step``: apply ``step`` to the node and to every node beneath it."""

    step: _Step

    def apply(self, node: Any) -> Iterator[Any]:
        pending = [node]
        while pending:
            current = pending.pop()
            yield from self.step.apply(current)
            pending.extend(reversed(list(_children(current))))


@dataclass(frozen=True)
class _Filter:
    """``[?(@path)]`` or ``[?(@path OP literal)]`` over the elements of a list.

    An element whose ``@path`` finds nothing never passes, whatever the operator.
    """

    path: tuple[_Step, ...]
    operator: str | None
    literal: Any

    def apply(self, node: Any) -> Iterator[Any]:
        if not isinstance(node, list):
            return
        for element in node:
            found = _run(self.path, element)
            if found and (self.operator is None or _compare(self.operator, found[0], self.literal)):
                yield element


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _compare(operator: str, left: Any, right: Any) -> bool:
    """Compare like Go's template functions: values of different types are never equal."""
    comparable = (_is_number(left) and _is_number(right)) or (
        type(left) is type(right) and isinstance(left, str | bool | NoneType)
    )
    if operator in ("==", "!="):
        return (comparable and left == right) == (operator == "==")
    if not comparable or not (_is_number(left) or isinstance(left, str)):
        return False
    match operator:
        case "<":
            return bool(left < right)
        case "<=":
            return bool(left <= right)
        case ">":
            return bool(left > right)
        case _:
            return bool(left >= right)


def _run(steps: Sequence[_Step], obj: Any) -> list[Any]:
    nodes = [obj]
    for step in steps:
        nodes = [result for node in nodes for result in step.apply(node)]
    return nodes


class JSONPath:
    """A parsed expression; :meth:`evaluate` it against any number of objects."""

    def __init__(self, expression: str, steps: tuple[_Step, ...]) -> None:
        self.expression = expression
        self._steps = steps

    def evaluate(self, obj: Any) -> list[Any]:
        """Every value the path reaches, in document order; ``[]`` when there is none."""
        return _run(self._steps, obj)

    def __repr__(self) -> str:
        return f"JSONPath({self.expression!r})"


class _Parser:
    def __init__(self, expression: str, text: str, offset: int) -> None:
        self.expression = expression
        self.text = text
        self.offset = offset  # where ``text`` starts inside ``expression``, for messages
        self.pos = 0

    def error(self, problem: str) -> ValueError:
        return ValueError(
            f"invalid JSONPath {self.expression!r}: {problem} at position {self.offset + self.pos}"
        )

    def peek(self, length: int = 1) -> str:
        return self.text[self.pos : self.pos + length]

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def skip_spaces(self) -> None:
        while not self.at_end() and self.text[self.pos].isspace():
            self.pos += 1

    def expect(self, token: str) -> None:
        if self.peek(len(token)) != token:
            found = repr(self.peek()) if not self.at_end() else "end of expression"
            raise self.error(f"expected {token!r}, found {found}")
        self.pos += len(token)

    def steps(self, *, stop: frozenset[str] = frozenset()) -> tuple[_Step, ...]:
        """Steps up to the end of the text or, inside a filter, up to a char in ``stop``."""
        steps: list[_Step] = []
        while not self.at_end() and self.peek() not in stop:
            if self.peek(2) == "..":
                self.pos += 2
                steps.append(_Descend(self.dotted_step(after_descent=True)))
            elif self.peek() == ".":
                self.pos += 1
                steps.append(self.dotted_step(after_descent=False))
            elif self.peek() == "[":
                steps.append(self.bracket())
            else:
                raise self.error(f"unexpected {self.peek()!r}")
        return tuple(steps)

    def dotted_step(self, *, after_descent: bool) -> _Step:
        if self.peek() == "*":
            self.pos += 1
            return _AnyChild()
        if after_descent and self.peek() == "[":
            return self.bracket()
        return _Child(self.name())

    def name(self) -> str:
        chars: list[str] = []
        while not self.at_end() and self.text[self.pos] not in _NAME_TERMINATORS:
            char = self.text[self.pos]
            if char == "\\":
                self.pos += 1
                if self.at_end():
                    raise self.error("dangling escape")
                char = self.text[self.pos]
            chars.append(char)
            self.pos += 1
        if not chars:
            found = repr(self.peek()) if not self.at_end() else "end of expression"
            raise self.error(f"expected a field name, found {found}")
        return "".join(chars)

    def bracket(self) -> _Step:
        self.expect("[")
        self.skip_spaces()
        if self.peek() == "?":
            step: _Step = self.filter()
        else:
            step = self.union()
        self.skip_spaces()
        self.expect("]")
        return step

    def union(self) -> _Step:
        selectors: list[int | slice | str] = []
        wildcard = False
        while True:
            self.skip_spaces()
            if self.peek() == "*":
                self.pos += 1
                wildcard = True
            elif self.peek() in ("'", '"'):
                selectors.append(self.quoted())
            else:
                selectors.append(self.index_or_slice())
            self.skip_spaces()
            if self.peek() != ",":
                break
            self.pos += 1
        if wildcard:
            if selectors:
                raise self.error("'*' cannot be combined with other selectors")
            return _AnyChild()
        return _Select(tuple(selectors))

    def index_or_slice(self) -> int | slice:
        if match := _SLICE.match(self.text, self.pos):
            start, stop, step = (int(group) if group else None for group in match.groups())
            if step == 0:
                raise self.error("slice step cannot be zero")
            self.pos = match.end()
            return slice(start, stop, step)
        if match := _INDEX.match(self.text, self.pos):
            self.pos = match.end()
            return int(match.group())
        found = repr(self.peek()) if not self.at_end() else "end of expression"
        raise self.error(f"expected an index, slice, quoted key or '*', found {found}")

    def quoted(self) -> str:
        quote = self.text[self.pos]
        self.pos += 1
        chars: list[str] = []
        while not self.at_end() and self.text[self.pos] != quote:
            if self.text[self.pos] == "\\" and self.pos + 1 < len(self.text):
                self.pos += 1
            chars.append(self.text[self.pos])
            self.pos += 1
        if self.at_end():
            raise self.error("unterminated quoted string")
        self.pos += 1
        return "".join(chars)

    def filter(self) -> _Filter:
        self.expect("?")
        self.skip_spaces()
        self.expect("(")
        self.skip_spaces()
        self.expect("@")
        path = self.steps(stop=frozenset(" \t\r\n)=!<>"))
        self.skip_spaces()
        operator: str | None = None
        literal: Any = None
        if self.peek() != ")":
            operator = next((op for op in _COMPARISONS if self.peek(len(op)) == op), None)
            if operator is None:
                raise self.error(f"expected a comparison or ')', found {self.peek()!r}")
            self.pos += len(operator)
            self.skip_spaces()
            literal = self.literal()
            self.skip_spaces()
        self.expect(")")
        return _Filter(path, operator, literal)

    def literal(self) -> Any:
        if self.peek() in ("'", '"'):
            return self.quoted()
        for word, value in (("true", True), ("false", False), ("null", None)):
            if self.peek(len(word)) == word:
                self.pos += len(word)
                return value
        match = _NUMBER.match(self.text, self.pos)
        if not match:
            found = repr(self.peek()) if not self.at_end() else "end of expression"
            raise self.error(f"expected a quoted string, number or boolean, found {found}")
        self.pos = match.end()
        token = match.group()
        return int(token) if token.lstrip("-").isdigit() else float(token)


@functools.lru_cache(maxsize=512)
def parse(expression: str) -> JSONPath:
    """Parse ``expression``, raising :class:`ValueError` with the position of any problem."""
    text = expression.strip()
    offset = len(expression) - len(expression.lstrip())
    if text.startswith("{"):
        if not text.endswith("}"):
            raise ValueError(f"invalid JSONPath {expression!r}: unclosed '{{'")
        text, offset = text[1:-1], offset + 1
    elif text.endswith("}"):
        raise ValueError(f"invalid JSONPath {expression!r}: unmatched '}}'")
    stripped = text.lstrip()
    offset += len(text) - len(stripped)
    text = stripped.rstrip()
    if not text:
        raise ValueError(f"invalid JSONPath {expression!r}: empty expression")
    if text.startswith("$"):
        text, offset = text[1:], offset + 1
    if text in ("", "."):
        return JSONPath(expression, ())
    if text and text[0] not in ".[":
        raise ValueError(
            f"invalid JSONPath {expression!r}: a path must start with '.' or '[' "
            f"at position {offset}"
        )
    return JSONPath(expression, _Parser(expression, text, offset).steps())


def evaluate(expression: str, obj: Mapping[str, Any]) -> list[Any]:
    """Every value ``expression`` selects in ``obj``; ``[]`` if the path is missing."""
    return parse(expression).evaluate(obj)
