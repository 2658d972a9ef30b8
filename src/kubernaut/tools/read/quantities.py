"""Resource quantities as the read tools use them: tolerant parsing (absent or malformed
values are None, not errors) and short, readable forms for people and models."""

from __future__ import annotations

from decimal import Decimal

from kubernaut.core.quantity import parse_quantity


def quantity(value: object) -> Decimal | None:
    """The quantity in base units (cores, bytes); None when absent or malformed."""
    if value is None:
        return None
    try:
        return parse_quantity(value if isinstance(value, int | float) else str(value))
    except ValueError:
        return None


def millicores(value: object) -> int | None:
    parsed = quantity(value)
    return None if parsed is None else int(parsed * 1000)


def byte_count(value: object) -> int | None:
    parsed = quantity(value)
    return None if parsed is None else int(parsed)


def readable_bytes(value: int) -> str:
    """Binary units, to one decimal where it matters: ``300Mi``, ``47.6Mi``, ``1.5Gi``."""
    for suffix, size in (("Ti", 2**40), ("Gi", 2**30), ("Mi", 2**20), ("Ki", 2**10)):
        if abs(value) >= size:
            amount = value / size
            return f"{amount:.0f}{suffix}" if amount == int(amount) else f"{amount:.1f}{suffix}"
    return str(value)


def percent(part: int | None, whole: int | None) -> str | None:
    """``part`` as a whole percentage of ``whole``; None when either is unknown or zero."""
    if part is None or not whole:
        return None
    return f"{round(100 * part / whole)}%"
