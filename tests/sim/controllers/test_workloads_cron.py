"""The cron schedule parser behind CronJobs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubernaut.sim.controllers.workloads.cron import parse_schedule


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("schedule", "after", "expected"),
    [
        ("* * * * *", "2024-01-01T10:00:30", "2024-01-01T10:01:00"),
        ("*/15 * * * *", "2024-01-01T10:01:00", "2024-01-01T10:15:00"),
        ("5 4 * * *", "2024-01-01T04:05:00", "2024-01-02T04:05:00"),
        ("0 9-17/4 * * *", "2024-01-01T09:00:00", "2024-01-01T13:00:00"),
        ("30 2/6 * * *", "2024-01-01T03:00:00", "2024-01-01T08:30:00"),
        ("0 0 * * MON-FRI", "2024-01-05T12:00:00", "2024-01-08T00:00:00"),
        ("0 12 * JAN,jul *", "2024-02-01T00:00:00", "2024-07-01T12:00:00"),
        ("0 0 13 * 5", "2024-01-01T00:00:00", "2024-01-05T00:00:00"),
        ("0 0 31 * *", "2024-02-01T00:00:00", "2024-03-31T00:00:00"),
        ("0 0 29 2 *", "2024-03-01T00:00:00", "2028-02-29T00:00:00"),
        ("@hourly", "2024-01-01T10:59:59", "2024-01-01T11:00:00"),
        ("@daily", "2024-12-31T23:00:00", "2025-01-01T00:00:00"),
        ("@weekly", "2024-01-01T00:00:00", "2024-01-07T00:00:00"),
        ("@monthly", "2024-12-15T00:00:00", "2025-01-01T00:00:00"),
        ("@yearly", "2024-06-01T00:00:00", "2025-01-01T00:00:00"),
    ],
)
def test_next_run(schedule: str, after: str, expected: str) -> None:
    assert parse_schedule(schedule).next_after(at(after)) == at(expected)


@pytest.mark.parametrize(
    "schedule",
    [
        "",
        "* * * *",
        "* * * * * *",
        "60 * * * *",
        "* 24 * * *",
        "* * 0 * *",
        "* * * 13 *",
        "* * * * 7",
        "*/0 * * * *",
        "5-1 * * * *",
        "a * * * *",
        "@every 5m",
    ],
)
def test_invalid_schedules_are_rejected(schedule: str) -> None:
    with pytest.raises(ValueError):
        parse_schedule(schedule)


def test_time_zones_shift_the_schedule() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    moment = datetime(2024, 1, 1, 0, 0, tzinfo=UTC).astimezone(tokyo)
    upcoming = parse_schedule("0 12 * * *").next_after(moment)
    assert upcoming == datetime(2024, 1, 1, 3, 0, tzinfo=UTC)


def test_latest_missed_time() -> None:
    every_five = parse_schedule("*/5 * * * *")
    assert every_five.latest_between(at("2024-01-01T00:00:00"), at("2024-01-03T10:07:00")) == at(
        "2024-01-03T10:05:00"
    )
    assert every_five.latest_between(at("2024-01-01T10:05:00"), at("2024-01-01T10:09:59")) is None
    yearly = parse_schedule("@yearly")
    assert yearly.latest_between(at("2020-06-01T00:00:00"), at("2023-03-01T00:00:00")) == at(
        "2023-01-01T00:00:00"
    )


@given(
    minute=st.integers(0, 59),
    hour=st.integers(0, 23),
    start=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1)),
)
def test_next_run_is_the_first_matching_minute(minute: int, hour: int, start: datetime) -> None:
    moment = start.replace(tzinfo=UTC)
    upcoming = parse_schedule(f"{minute} {hour} * * *").next_after(moment)
    assert upcoming is not None
    assert (upcoming.hour, upcoming.minute, upcoming.second) == (hour, minute, 0)
    assert moment < upcoming <= moment + timedelta(days=1)
