"""The in-process remediation history."""

from __future__ import annotations

from datetime import datetime

import pytest
from pydantic import ValidationError
from safety_support import START, FakeClock

from kubernaut.core.resources import ResourceRef
from kubernaut.tools.safety import HistoryEntry, InMemoryHistory

WEB = ResourceRef(kind="Deployment", namespace="shop", name="web")


async def test_entries_since_a_time_come_oldest_first() -> None:
    clock = FakeClock()
    history = InMemoryHistory()
    for age in (30, 900, 10):
        await history.record(HistoryEntry(target=WEB, action=f"a{age}", at=clock.ago(age)))

    recent = await history.entries(clock.ago(60))

    assert [entry.action for entry in recent] == ["a30", "a10"]


async def test_a_step_key_is_recorded_once() -> None:
    clock = FakeClock()
    history = InMemoryHistory()
    for key in ("k-1", "k-1", "", ""):
        await history.record(HistoryEntry(target=WEB, action="a", at=clock.now, step_key=key))

    assert [entry.step_key for entry in await history.entries(clock.ago(1))] == ["k-1", "", ""]


def test_a_time_without_a_zone_is_refused() -> None:
    with pytest.raises(ValidationError, match="timezone"):
        HistoryEntry(target=WEB, action="restart_deployment", at=datetime(2026, 3, 1, 12, 0))
    assert HistoryEntry(target=WEB, action="restart_deployment", at=START).at == START
