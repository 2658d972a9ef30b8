"""Per-source, per-caller rate limits: a token bucket for each (endpoint, caller) pair,
in this process (each replica limits on its own)."""

from __future__ import annotations

import time
from collections import OrderedDict

MAX_BUCKETS = 10_000


class RateLimiter:
    def __init__(self, per_second: float, burst: int) -> None:
        self.per_second = per_second
        self.burst = burst
        self._buckets: OrderedDict[tuple[str, str], tuple[float, float]] = OrderedDict()

    def take(self, source: str, caller: str) -> float:
        """0 when the request may go ahead; else the seconds until it may."""
        now = time.monotonic()
        key = (source, caller)
        tokens, stamp = self._buckets.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - stamp) * self.per_second)
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            return (1 - tokens) / self.per_second
        self._buckets[key] = (tokens - 1, now)
        self._buckets.move_to_end(key)
        while len(self._buckets) > MAX_BUCKETS:
            self._buckets.popitem(last=False)
        return 0.0
