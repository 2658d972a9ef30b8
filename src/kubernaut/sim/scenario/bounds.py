"""Bounds on an action's parameters: an exact value, a range, or a set of choices.

Numbers and Kubernetes quantities compare by value, so ``512Mi``, ``0.5Gi`` and
``536870912`` are the same memory size and ``500m`` is half a CPU.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator

from kubernaut.core.quantity import parse_quantity

Scalar = str | int | float | bool

BOUND_FORMS = "an exact value, {min: X, max: Y} (either may be left out) or {oneOf: [...]}"


def as_quantity(value: Any) -> Decimal | None:
    """``value`` as a number if it is one or a Kubernetes quantity, else None."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        return parse_quantity(value)
    except ValueError:
        return None


def same_value(expected: Scalar, given: Any) -> bool:
    """Equal as written, or equal as numbers/quantities (``1Gi`` is ``1024Mi``)."""
    if isinstance(expected, bool) or isinstance(given, bool):
        return type(expected) is type(given) and expected == given
    if expected == given:
        return True
    left, right = as_quantity(expected), as_quantity(given)
    return left is not None and right is not None and left == right


@dataclass(frozen=True)
class ExactBound:
    value: Scalar

    def violation(self, name: str, given: Any) -> str | None:
        if same_value(self.value, given):
            return None
        return f"{name} is {given!r}, expected {self.value!r}"

    def to_yaml(self) -> Scalar:
        return self.value


@dataclass(frozen=True)
class RangeBound:
    minimum: str | int | float | None
    maximum: str | int | float | None

    def violation(self, name: str, given: Any) -> str | None:
        number = as_quantity(given)
        if number is None:
            return f"{name} is {given!r}, which is not a number or Kubernetes quantity"
        if self.minimum is not None and number < parse_quantity(self.minimum):
            return f"{name} {given} is below the minimum {self.minimum}"
        if self.maximum is not None and number > parse_quantity(self.maximum):
            return f"{name} {given} is above the maximum {self.maximum}"
        return None

    def to_yaml(self) -> dict[str, Any]:
        limits = {"min": self.minimum, "max": self.maximum}
        return {key: value for key, value in limits.items() if value is not None}


@dataclass(frozen=True)
class OneOfBound:
    values: tuple[Scalar, ...]

    def violation(self, name: str, given: Any) -> str | None:
        if any(same_value(value, given) for value in self.values):
            return None
        choices = ", ".join(repr(value) for value in self.values)
        return f"{name} is {given!r}, expected one of {choices}"

    def to_yaml(self) -> dict[str, Any]:
        return {"oneOf": list(self.values)}


def parse_bound(value: Any) -> ExactBound | RangeBound | OneOfBound:
    """The bound written as ``value``; ValueError says what is wrong with it."""
    if isinstance(value, ExactBound | RangeBound | OneOfBound):
        return value
    if isinstance(value, Mapping):
        if set(value) == {"oneOf"}:
            return _one_of(value["oneOf"])
        if value and set(value) <= {"min", "max"}:
            return _range(value.get("min"), value.get("max"))
        raise ValueError(f"{dict(value)!r} is not a bound: a bound is {BOUND_FORMS}")
    if isinstance(value, str | int | float | bool):
        return ExactBound(value)
    raise ValueError(f"{value!r} is not a bound: a bound is {BOUND_FORMS}")


def _range(minimum: Any, maximum: Any) -> RangeBound:
    for label, limit in (("min", minimum), ("max", maximum)):
        if limit is not None and as_quantity(limit) is None:
            raise ValueError(f"{label}: {limit!r} is not a number or Kubernetes quantity")
    if (
        minimum is not None
        and maximum is not None
        and parse_quantity(minimum) > parse_quantity(maximum)
    ):
        raise ValueError(f"min {minimum} is greater than max {maximum}")
    return RangeBound(minimum, maximum)


def _one_of(values: Any) -> OneOfBound:
    if not isinstance(values, list) or not values:
        raise ValueError("oneOf must be a non-empty list of values")
    for value in values:
        if not isinstance(value, str | int | float | bool):
            raise ValueError(f"oneOf: {value!r} is not a plain value (string, number or bool)")
    return OneOfBound(tuple(values))


Bound = Annotated[
    ExactBound | RangeBound | OneOfBound,
    PlainValidator(parse_bound),
    PlainSerializer(lambda bound: bound.to_yaml()),
]
"""A bound as a pydantic field type: parsed from its YAML form, written back to it."""
