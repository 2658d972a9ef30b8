"""What the gateway remembers between signals: which RemediationRequest a fingerprint
points at (the deduplication fast path, with a TTL) and which targets each signal name
hit recently (storm windows). Redis shares it between replicas; the in-process store
serves a single replica."""

from __future__ import annotations

import time
from typing import Protocol


class StoreUnavailable(Exception):
    """The store cannot be reached now; callers fall back."""


class SignalStore(Protocol):
    kind: str
    """``redis`` or ``memory``: what /readyz and the metrics report."""

    async def remediation_for(self, fingerprint: str) -> str | None:
        """The RemediationRequest name remembered for ``fingerprint``."""

    async def remember(self, fingerprint: str, remediation: str) -> None: ...

    async def forget(self, fingerprint: str, remediation: str) -> None:
        """Forget ``fingerprint`` if it still points at ``remediation``."""

    async def storm_window(self, key: str, member: str, now: float) -> list[str]:
        """Record ``member`` (a target) under ``key`` (a signal name) at ``now``, and return
        the distinct members seen within the window."""

    async def check(self) -> None:
        """Raise :class:`StoreUnavailable` when the store cannot be used."""

    async def aclose(self) -> None: ...


class MemoryStore:
    """The in-process store: correct for one replica, forgotten on restart."""

    kind = "memory"

    def __init__(self, *, ttl_seconds: float, window_seconds: float) -> None:
        self.ttl_seconds = ttl_seconds
        self.window_seconds = window_seconds
        self._remediations: dict[str, tuple[str, float]] = {}
        self._windows: dict[str, dict[str, float]] = {}

    async def remediation_for(self, fingerprint: str) -> str | None:
        entry = self._remediations.get(fingerprint)
        if entry is None:
            return None
        if entry[1] < time.monotonic():
            del self._remediations[fingerprint]
            return None
        return entry[0]

    async def remember(self, fingerprint: str, remediation: str) -> None:
        self._remediations[fingerprint] = (remediation, time.monotonic() + self.ttl_seconds)

    async def forget(self, fingerprint: str, remediation: str) -> None:
        entry = self._remediations.get(fingerprint)
        if entry is not None and entry[0] == remediation:
            del self._remediations[fingerprint]

    async def storm_window(self, key: str, member: str, now: float) -> list[str]:
        window = self._windows.setdefault(key, {})
        window[member] = now
        oldest = now - self.window_seconds
        for stale in [m for m, seen in window.items() if seen < oldest]:
            del window[stale]
        return sorted(window, key=window.__getitem__)

    async def check(self) -> None:
        return None

    async def aclose(self) -> None:
        self._remediations.clear()
        self._windows.clear()
