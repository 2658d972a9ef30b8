"""Simulated time: wall-clock anchored, sped up by a factor, and jumpable by tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta


class SimClock:
    """A clock that runs ``speed`` times faster than real time.

    Simulated time starts at ``start`` (default: now) and advances with the real
    monotonic clock multiplied by ``speed``. ``advance()`` jumps it forward, which
    wakes anything waiting on it (controllers with timed requeues). Readable from
    any thread.
    """

    def __init__(self, *, speed: float = 1.0, start: datetime | None = None) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self._start = (start or datetime.now(UTC)).replace(microsecond=0)
        self._real_origin = time.monotonic()
        self._offset = 0.0
        self._lock = threading.Lock()
        self._listeners: list[Callable[[], None]] = []

    def elapsed(self) -> float:
        """Simulated seconds since the clock started."""
        with self._lock:
            return (time.monotonic() - self._real_origin) * self.speed + self._offset

    def now(self) -> datetime:
        return self._start + timedelta(seconds=self.elapsed())

    def timestamp(self) -> str:
        """The current simulated time in Kubernetes' RFC 3339 form (second precision)."""
        return format_time(self.now())

    def advance(self, seconds: float) -> None:
        """Jump simulated time forward and wake waiters."""
        if seconds < 0:
            raise ValueError("time only moves forward")
        with self._lock:
            self._offset += seconds
            listeners = list(self._listeners)
        for listener in listeners:
            listener()

    def real_seconds(self, sim_seconds: float) -> float:
        """How long a real sleep lasts ``sim_seconds`` of simulated time."""
        return max(sim_seconds, 0.0) / self.speed

    def on_advance(self, listener: Callable[[], None]) -> None:
        with self._lock:
            self._listeners.append(listener)


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_micro_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
