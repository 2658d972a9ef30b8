"""Holding requests at the door: a test arms a hold for requests matching a predicate;
the first such request waits there (unanswered, unapplied) until the test releases it.

That makes a crash reproducible at an exact point: hold the request a controller is
about to send, kill the controller while it waits, then drop the request (as if the
process had died before sending it) or let it through (as if it died right after).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

HOLD_LIMIT_SECONDS = 300.0
"""A hold nobody releases lets its request go (dropped) after this long."""


@dataclass(frozen=True)
class HeldRequest:
    method: str
    path: str
    query: str
    body: bytes


Matcher = Callable[[HeldRequest], bool]


@dataclass
class Hold:
    matches: Matcher
    caught: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)
    drop: bool = True
    request: HeldRequest | None = None

    def wait_caught(self, timeout: float) -> HeldRequest:
        """Block until a matching request arrived; the request."""
        if not self.caught.wait(timeout):
            raise TimeoutError(f"no matching request arrived within {timeout:g}s")
        assert self.request is not None
        return self.request

    def release(self, *, drop: bool = True) -> None:
        """Let the held request go: ``drop`` answers 503 without applying it."""
        self.drop = drop
        self.released.set()


class Holds:
    """Armed holds, each catching one request. Thread-safe: tests arm and release from
    their own thread while the server's loop checks requests."""

    def __init__(self) -> None:
        self._armed: list[Hold] = []
        self._lock = threading.Lock()

    def arm(self, matches: Matcher) -> Hold:
        hold = Hold(matches)
        with self._lock:
            self._armed.append(hold)
        return hold

    async def check(self, request: HeldRequest) -> bool:
        """Wait while ``request`` is held; whether it must be dropped."""
        with self._lock:
            hold = next((h for h in self._armed if h.matches(request)), None)
            if hold is not None:
                self._armed.remove(hold)
        if hold is None:
            return False
        hold.request = request
        hold.caught.set()
        await asyncio.to_thread(hold.released.wait, HOLD_LIMIT_SECONDS)
        return hold.drop
