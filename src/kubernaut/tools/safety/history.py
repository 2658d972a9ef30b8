"""What Kubernaut did recently: the memory the cooldown, oscillation and rate checks read.

The executor records an entry after every applied step. :class:`InMemoryHistory` serves
one process (the demo, the evals, tests); several replicas share
:class:`kubernaut.store.PostgresHistory`, so that every replica sees every entry and a
restart forgets none.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from pydantic import AwareDatetime, BaseModel, Field

from kubernaut.core.resources import ResourceRef


class HistoryEntry(BaseModel):
    """One action applied to one target."""

    target: ResourceRef
    action: str
    parameters: dict[str, Any] = Field(default_factory=dict)
    at: AwareDatetime
    remediation_id: str = ""
    replicas_before: int | None = None
    replicas_after: int | None = None
    """Replica counts around a scale action (from the plan's impact), for flapping."""
    step_key: str = ""
    """The applied step's idempotency key. A history records a non-empty key once: a
    graph resumed after a stop may run its execute node, and so this record, again."""


class RemediationHistory(Protocol):
    async def record(self, entry: HistoryEntry) -> None:
        """Add ``entry``, unless an entry with its non-empty ``step_key`` is there."""
        ...

    async def entries(self, since: datetime) -> list[HistoryEntry]:
        """Entries at or after ``since``, oldest first."""
        ...


class InMemoryHistory:
    """The history of one process."""

    def __init__(self, entries: list[HistoryEntry] | None = None) -> None:
        self._entries: list[HistoryEntry] = list(entries or [])

    async def record(self, entry: HistoryEntry) -> None:
        if entry.step_key and any(e.step_key == entry.step_key for e in self._entries):
            return
        self._entries.append(entry)

    async def entries(self, since: datetime) -> list[HistoryEntry]:
        return sorted((e for e in self._entries if e.at >= since), key=lambda e: e.at)
