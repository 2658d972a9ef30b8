"""Waiting for another object to change without polling the API server hard: the kopf
event handlers of this process wake the waiters of the object they saw change, and a
waiter re-reads at least every ``resync`` seconds in case the change happened in
another process."""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict

Key = tuple[str, str, str]


class ObjectWaiter:
    def __init__(self) -> None:
        self._waiting: dict[Key, set[asyncio.Event]] = defaultdict(set)

    def notify(self, kind: str, namespace: str, name: str) -> None:
        for event in self._waiting.get((kind, namespace, name), ()):
            event.set()

    async def changed(self, kind: str, namespace: str, name: str, at_most: float) -> None:
        """Return when the object is seen to change, or after ``at_most`` seconds."""
        key = (kind, namespace, name)
        event = asyncio.Event()
        self._waiting[key].add(event)
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), at_most)
        finally:
            self._waiting[key].discard(event)
            if not self._waiting[key]:
                del self._waiting[key]
