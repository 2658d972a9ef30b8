"""The controllers' notion of now: wall-clock time in production; the simulator's clock
in tests, so timeouts, blocks and retention can be shown without waiting an hour."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)
