"""Label and field selectors, parsed and matched the way the Kubernetes API server does.

``LabelSelector`` understands the ``?labelSelector=`` query syntax (equality, set-based,
existence and the integer ``>``/``<`` comparisons) and ``metav1.LabelSelector`` specs.
``FieldSelector`` understands the ``?fieldSelector=`` syntax over any dotted field path.
Malformed input raises a 400 ``ApiError``.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kubernaut.sim.errors import ApiError, bad_request

# --------------------------------------------------------------------------- label syntax

_NAME_RE = re.compile(r"[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?")
_DNS_SUBDOMAIN_RE = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_NAME_MAX = 63
_PREFIX_MAX = 253
_NAME_RULE = (
    "must consist of alphanumerics, '-', '_' or '.', and start and end with an alphanumeric"
)
_INT64_MAX = 2**63 - 1
_INT_RE = re.compile(r"[+-]?[0-9]+")


def _key_problem(key: str) -> str | None:
    """Why ``key`` is not a qualified name (``[prefix/]name``), or None if it is."""
    prefix, slash, name = key.rpartition("/")
    if slash:
        if not prefix:
            return "prefix part must be non-empty"
        if "/" in prefix:
            return "a qualified name must have at most one '/'"
        if len(prefix) > _PREFIX_MAX:
            return f"prefix part must be no more than {_PREFIX_MAX} characters"
        if not _DNS_SUBDOMAIN_RE.fullmatch(prefix):
            return "prefix part must be a lowercase DNS subdomain"
    if not name:
        return "name part must be non-empty"
    if len(name) > _NAME_MAX:
        return f"name part must be no more than {_NAME_MAX} characters"
    if not _NAME_RE.fullmatch(name):
        return f"name part {_NAME_RULE}"
    return None


def _value_problem(value: str) -> str | None:
    """Why ``value`` is not a valid label value (empty is valid), or None if it is."""
    if len(value) > _NAME_MAX:
        return f"must be no more than {_NAME_MAX} characters"
    if value and not _NAME_RE.fullmatch(value):
        return _NAME_RULE
    return None


def _parse_int64(text: str) -> int | None:
    if not _INT_RE.fullmatch(text):
        return None
    number = int(text)
    return number if -_INT64_MAX - 1 <= number <= _INT64_MAX else None


# --------------------------------------------------------------------------- requirements


class Operator(enum.Enum):
    EQUALS = "="
    NOT_EQUALS = "!="
    IN = "in"
    NOT_IN = "notin"
    EXISTS = "exists"
    DOES_NOT_EXIST = "!"
    GREATER_THAN = ">"
    LESS_THAN = "<"


_SET_OPERATORS = frozenset({Operator.IN, Operator.NOT_IN})
_UNARY_OPERATORS = frozenset({Operator.EXISTS, Operator.DOES_NOT_EXIST})
_NUMERIC_OPERATORS = frozenset({Operator.GREATER_THAN, Operator.LESS_THAN})


@dataclass(frozen=True)
class Requirement:
    """One ``key <operator> values`` term; build with :meth:`new` to get validation."""

    key: str
    operator: Operator
    values: tuple[str, ...]

    @classmethod
    def new(cls, key: str, operator: Operator, values: Sequence[str] = ()) -> Requirement:
        """Validate and normalise (values sorted, duplicates dropped); problems are 400s."""
        problem = _key_problem(key)
        if problem:
            raise bad_request(f'unable to parse requirement: invalid label key "{key}": {problem}')
        problem = _arity_problem(operator, values)
        if problem:
            raise bad_request(f"unable to parse requirement: {problem}")
        for value in values:
            problem = _value_problem(value)
            if problem:
                raise bad_request(
                    f'unable to parse requirement: invalid label value "{value}" '
                    f'for key "{key}": {problem}'
                )
        return cls(key, operator, tuple(sorted(set(values))))

    def matches(self, labels: Mapping[str, str]) -> bool:
        present = self.key in labels
        value = labels.get(self.key, "")
        match self.operator:
            case Operator.EQUALS | Operator.IN:
                return present and value in self.values
            case Operator.NOT_EQUALS | Operator.NOT_IN:
                return not present or value not in self.values
            case Operator.EXISTS:
                return present
            case Operator.DOES_NOT_EXIST:
                return not present
            case Operator.GREATER_THAN | Operator.LESS_THAN:
                return present and self._compares(value)

    def _compares(self, value: str) -> bool:
        """Numeric comparison; a label value that is not an integer never matches."""
        number = _parse_int64(value)
        if number is None:
            return False
        bound = int(self.values[0])
        return number > bound if self.operator is Operator.GREATER_THAN else number < bound

    def __str__(self) -> str:
        match self.operator:
            case Operator.EXISTS:
                return self.key
            case Operator.DOES_NOT_EXIST:
                return f"!{self.key}"
            case Operator.IN | Operator.NOT_IN:
                return f"{self.key} {self.operator.value} ({','.join(self.values)})"
            case _:
                return f"{self.key}{self.operator.value}{self.values[0]}"


def _arity_problem(operator: Operator, values: Sequence[str]) -> str | None:
    if operator in _SET_OPERATORS and not values:
        return "for 'in', 'notin' operators, the values set must not be empty"
    if operator in _UNARY_OPERATORS and values:
        return "for 'exists', 'does not exist' operators, the values set must be empty"
    if operator in _SET_OPERATORS | _UNARY_OPERATORS:
        return None
    if len(values) != 1:
        return f"for the '{operator.value}' operator, exactly one value is required"
    if operator in _NUMERIC_OPERATORS and _parse_int64(values[0]) is None:
        return f"for the '{operator.value}' operator, the value must be an integer"
    return None


# --------------------------------------------------------------------------- selectors


@dataclass(frozen=True)
class LabelSelector:
    """A conjunction of label requirements.

    ``matches_nothing`` marks the selector a nil ``metav1.LabelSelector`` turns into: it
    selects no object at all. Its text form is ``""`` (as in Kubernetes), which parses back
    to the select-everything selector, so check ``matches_nothing`` before putting a
    selector in a query.
    """

    requirements: tuple[Requirement, ...] = ()
    matches_nothing: bool = False

    @classmethod
    def parse(cls, text: str) -> LabelSelector:
        """Parse ``?labelSelector=`` syntax; ``""`` selects everything."""
        return cls._of(_LabelParser(text).parse())

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any] | None) -> LabelSelector:
        """Convert a ``metav1.LabelSelector`` (``matchLabels`` + ``matchExpressions``).

        As in Kubernetes, a missing (``None``) selector matches nothing, while an empty one
        (``{}``, or both fields empty) matches everything.
        """
        if spec is None:
            return cls(matches_nothing=True)
        if not isinstance(spec, Mapping):
            raise bad_request("label selector must be an object")
        match_labels = _mapping_field(spec, "matchLabels")
        requirements = [
            Requirement.new(key, Operator.EQUALS, [value]) for key, value in match_labels.items()
        ]
        requirements += map(_expression_requirement, _list_field(spec, "matchExpressions"))
        return cls._of(requirements)

    @classmethod
    def _of(cls, requirements: Sequence[Requirement]) -> LabelSelector:
        return cls(tuple(sorted(requirements, key=lambda requirement: requirement.key)))

    def matches(self, labels: Mapping[str, str] | None) -> bool:
        if self.matches_nothing:
            return False
        present = labels or {}
        return all(requirement.matches(present) for requirement in self.requirements)

    def is_empty(self) -> bool:
        """True when this selects everything (the nil-spec "nothing" selector is not empty)."""
        return not self.requirements and not self.matches_nothing

    def __str__(self) -> str:
        return ",".join(map(str, self.requirements))


_SPEC_OPERATORS = {
    "In": Operator.IN,
    "NotIn": Operator.NOT_IN,
    "Exists": Operator.EXISTS,
    "DoesNotExist": Operator.DOES_NOT_EXIST,
}


def _mapping_field(spec: Mapping[str, Any], field: str) -> Mapping[str, str]:
    value = spec.get(field) or {}
    if not isinstance(value, Mapping) or not all(
        isinstance(item, str) for pair in value.items() for item in pair
    ):
        raise bad_request(f"label selector {field} must map strings to strings")
    return value


def _list_field(spec: Mapping[str, Any], field: str) -> list[Any]:
    value = spec.get(field) or []
    if not isinstance(value, list):
        raise bad_request(f"label selector {field} must be a list")
    return value


def _expression_requirement(expression: Any) -> Requirement:
    if not isinstance(expression, Mapping):
        raise bad_request("label selector matchExpressions entries must be objects")
    key, operator, values = (expression.get(f) for f in ("key", "operator", "values"))
    if not isinstance(operator, str) or operator not in _SPEC_OPERATORS:
        raise bad_request(f'"{operator}" is not a valid label selector operator')
    values = values or []
    if not isinstance(key, str) or not isinstance(values, list):
        raise bad_request("label selector expressions need a string key and a list of values")
    if not all(isinstance(value, str) for value in values):
        raise bad_request(f'label selector values for key "{key}" must be strings')
    return Requirement.new(key, _SPEC_OPERATORS[operator], values)


# --------------------------------------------------------------------------- label parser


class _Kind(enum.Enum):
    WORD = "word"
    BANG = "!"
    EQUALS = "="
    DOUBLE_EQUALS = "=="
    NOT_EQUALS = "!="
    GREATER = ">"
    LESS = "<"
    OPEN = "("
    CLOSE = ")"
    COMMA = ","
    END = "end of string"


@dataclass(frozen=True)
class _Token:
    kind: _Kind
    text: str


_SYMBOLS = {kind.value: kind for kind in _Kind if kind not in (_Kind.WORD, _Kind.END)}
_SYMBOL_CHARS = frozenset("".join(_SYMBOLS))
_WHITESPACE = frozenset(" \t\r\n")
_WORD_BREAKS = _WHITESPACE | _SYMBOL_CHARS


def _tokens(text: str) -> Iterator[_Token]:
    """Split selector text into words and operator symbols, ending with an END token.

    A word is any run of characters that are neither whitespace nor symbol characters, so
    garbage such as ``a;b`` becomes one word that key/value validation then rejects.
    """
    position = 0
    while position < len(text):
        char = text[position]
        if char in _WHITESPACE:
            position += 1
        elif char in _SYMBOL_CHARS:
            symbol = text[position : position + 2]
            if symbol not in _SYMBOLS:
                symbol = char
            position += len(symbol)
            yield _Token(_SYMBOLS[symbol], symbol)
        else:
            start = position
            while position < len(text) and text[position] not in _WORD_BREAKS:
                position += 1
            yield _Token(_Kind.WORD, text[start:position])
    yield _Token(_Kind.END, "")


_BINARY_OPERATORS = {
    "in": Operator.IN,
    "notin": Operator.NOT_IN,
    "=": Operator.EQUALS,
    "==": Operator.EQUALS,
    "!=": Operator.NOT_EQUALS,
    ">": Operator.GREATER_THAN,
    "<": Operator.LESS_THAN,
}
_EXPECTED_OPERATOR = ", ".join(_BINARY_OPERATORS)


def _parse_error(found: _Token, expected: str) -> ApiError:
    return bad_request(f"unable to parse requirement: found '{found.text}', expected: {expected}")


class _LabelParser:
    """Recursive-descent parser for the label selector query syntax.

    Errors mirror the API server's ``found '<token>', expected: ...`` messages.
    """

    def __init__(self, text: str) -> None:
        self._tokens = list(_tokens(text))
        self._position = 0

    def _peek(self) -> _Token:
        return self._tokens[self._position]

    def _next(self) -> _Token:
        token = self._tokens[self._position]
        self._position = min(self._position + 1, len(self._tokens) - 1)
        return token

    def parse(self) -> list[Requirement]:
        requirements: list[Requirement] = []
        if self._peek().kind is _Kind.END:
            return requirements
        while True:
            if self._peek().kind not in (_Kind.WORD, _Kind.BANG):
                raise _parse_error(self._peek(), "!, identifier, or 'end of string'")
            requirements.append(self._requirement())
            separator = self._next()
            if separator.kind is _Kind.END:
                return requirements
            if separator.kind is not _Kind.COMMA:
                raise _parse_error(separator, "',' or 'end of string'")
            if self._peek().kind not in (_Kind.WORD, _Kind.BANG):
                raise _parse_error(self._peek(), "identifier after ','")

    def _requirement(self) -> Requirement:
        negated = self._peek().kind is _Kind.BANG
        if negated:
            self._next()
        key = self._word()
        if negated:
            return Requirement.new(key, Operator.DOES_NOT_EXIST)
        if self._peek().kind in (_Kind.END, _Kind.COMMA):
            return Requirement.new(key, Operator.EXISTS)
        operator = self._operator()
        values = self._value_set() if operator in _SET_OPERATORS else [self._exact_value()]
        return Requirement.new(key, operator, values)

    def _word(self) -> str:
        token = self._next()
        if token.kind is not _Kind.WORD:
            raise _parse_error(token, "identifier")
        return token.text

    def _operator(self) -> Operator:
        token = self._next()
        operator = _BINARY_OPERATORS.get(token.text)
        if operator is None:
            raise _parse_error(token, _EXPECTED_OPERATOR)
        return operator

    def _exact_value(self) -> str:
        """The value after ``=``, ``!=``, ``>`` or ``<``; nothing there means ``""``."""
        if self._peek().kind in (_Kind.END, _Kind.COMMA):
            return ""
        return self._word()

    def _value_set(self) -> list[str]:
        """A parenthesised list; empty slots (``()``, ``(a,)``, ``(,a)``) stand for ``""``."""
        opening = self._next()
        if opening.kind is not _Kind.OPEN:
            raise _parse_error(opening, "'('")
        values: list[str] = []
        expecting_value = True
        while True:
            token = self._next()
            if token.kind is _Kind.CLOSE:
                if expecting_value:
                    values.append("")
                return values
            if token.kind is _Kind.COMMA:
                if expecting_value:
                    values.append("")
                expecting_value = True
            elif token.kind is _Kind.WORD and expecting_value:
                values.append(token.text)
                expecting_value = False
            else:
                raise _parse_error(token, "',', ')' or identifier")


# --------------------------------------------------------------------------- field selectors

_FIELD_OPERATORS = ("!=", "==", "=")
_FIELD_PATH_RE = re.compile(r"[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*")
_ESCAPABLE = frozenset("\\,=")
# Fields the API server reads from Go booleans, which render as "false" when unset.
_BOOLEAN_FIELDS = frozenset({"spec.unschedulable", "spec.hostNetwork"})


@dataclass(frozen=True)
class FieldTerm:
    """``path = value`` (or ``!=`` when ``negated``) over a dotted field path."""

    path: str
    value: str
    negated: bool

    def matches(self, obj: Mapping[str, Any]) -> bool:
        return (_field_text(obj, self.path) == self.value) != self.negated


@dataclass(frozen=True)
class FieldSelector:
    """A conjunction of field terms; ``""`` selects everything.

    Any dotted path is accepted and resolved by walking the object. A missing field reads
    as ``""`` (``spec.nodeName=`` finds unscheduled pods), except the boolean fields the
    API server exposes, which read as ``"false"``. Booleans render as ``true``/``false``,
    numbers in decimal; an event's ``source`` means ``source.component``. A field holding
    an object or a list equals no value.
    """

    terms: tuple[FieldTerm, ...] = ()

    @classmethod
    def parse(cls, text: str) -> FieldSelector:
        return cls(tuple(_field_term(text, part) for part in _split_unescaped(text) if part))

    def matches(self, obj: Mapping[str, Any]) -> bool:
        return all(term.matches(obj) for term in self.terms)


def _split_unescaped(text: str) -> list[str]:
    """Split on commas that are not escaped with a backslash, keeping the escapes."""
    parts: list[str] = []
    start = 0
    escaped = False
    for index, char in enumerate(text):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == ",":
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return parts


def _field_term(text: str, part: str) -> FieldTerm:
    """Split ``part`` at its first operator; the path may not contain one."""
    for index in range(len(part)):
        operator = next((op for op in _FIELD_OPERATORS if part.startswith(op, index)), None)
        if operator is not None:
            path = part[:index]
            if not _FIELD_PATH_RE.fullmatch(path):
                raise bad_request(f"field label not supported: {path}")
            value = _unescape(part[index + len(operator) :])
            return FieldTerm(path, value, negated=operator == "!=")
    raise bad_request(f"invalid selector: '{text}'; can't understand '{part}'")


def _unescape(value: str) -> str:
    r"""Undo ``\\``, ``\,`` and ``\=``; bare ``,``/``=`` and other escapes are 400s."""
    chars: list[str] = []
    escaped = False
    for char in value:
        if escaped:
            if char not in _ESCAPABLE:
                raise bad_request(f"invalid field selector: invalid escape sequence: \\{char}")
            chars.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in _ESCAPABLE:
            raise bad_request(f"invalid field selector: unescaped character in value: {char}")
        else:
            chars.append(char)
    if escaped:
        raise bad_request("invalid field selector: invalid escape sequence: \\")
    return "".join(chars)


def _field_text(obj: Mapping[str, Any], path: str) -> str | None:
    """The field's value as the API server would compare it; None if it is not a scalar."""
    value: Any = obj
    for segment in path.split("."):
        value = value.get(segment) if isinstance(value, Mapping) else None
    if path == "source" and isinstance(value, Mapping):
        value = value.get("component")
    if value is None:
        return "false" if path in _BOOLEAN_FIELDS else ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return None
