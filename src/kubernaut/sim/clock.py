"""Simulated time: wall-clock anchored, sped up by a factor, and jumpable by tests."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta


class SimClock:
    """A clock that runs ``speed`` times faster than real time, or only when told to.

    Simulated time starts at ``start`` (default: now). With ``speed > 0`` it advances
    with the real monotonic clock multiplied by ``speed``; with ``speed == 0`` it is
    manual: it moves only through :meth:`set_elapsed`, which is how the controller
    manager steps a deterministic run from one timer to the next. Readable from any
    thread.
    """

    def __init__(self, *, speed: float = 1.0, start: datetime | None = None) -> None:
        if speed < 0:
            raise ValueError("speed must not be negative (0 means manual time)")
        self.speed = speed
        self._start = (start or datetime.now(UTC)).replace(microsecond=0)
        self._real_origin = time.monotonic()
        self._offset = 0.0
        self._lock = threading.Lock()

    @property
    def manual(self) -> bool:
        return self.speed == 0

    def elapsed(self) -> float:
        """Simulated seconds since the clock started."""
        with self._lock:
            return self._running() + self._offset

    def now(self) -> datetime:
        return self._start + timedelta(seconds=self.elapsed())

    def timestamp(self) -> str:
        """The current simulated time in Kubernetes' RFC 3339 form (second precision)."""
        return format_time(self.now())

    def set_elapsed(self, seconds: float) -> None:
        """Move simulated time forward to ``seconds`` since the start (never backward)."""
        with self._lock:
            self._offset = max(self._offset, seconds - self._running())

    def real_seconds(self, sim_seconds: float) -> float | None:
        """How long a real wait lasts ``sim_seconds`` of simulated time (None: forever)."""
        if self.manual:
            return None
        return max(sim_seconds, 0.0) / self.speed

    def _running(self) -> float:
        return 0.0 if self.manual else (time.monotonic() - self._real_origin) * self.speed


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_micro_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
