"""Standard five-field cron schedules, as CronJobs accept them.

``minute hour day-of-month month day-of-week`` with ``*`` (or ``?``), numbers, names
(``JAN``, ``MON``), lists, ranges and ``/step``; ``N/step`` means from N to the end.
The ``@yearly``/``@annually``, ``@monthly``, ``@weekly``, ``@daily``/``@midnight``
and ``@hourly`` shorthands are accepted. When both day fields are restricted a day
matches if either does; if one of them is ``*`` both must match.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

_SHORTHANDS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
_SEARCH_YEARS = 5
# How far back to look for the latest missed time, widening until one is found.
_LOOKBACK_WINDOWS = (
    timedelta(hours=1),
    timedelta(days=1),
    timedelta(days=32),
    timedelta(days=367),
    timedelta(days=367 * _SEARCH_YEARS),
)


@dataclass(frozen=True)
class _Field:
    values: frozenset[int]
    star: bool


def _parse_value(text: str, low: int, names: tuple[str, ...]) -> int:
    upper = text.upper()
    if upper in names:
        return names.index(upper) + low
    if not text.isdigit():
        raise ValueError(f"failed to parse int from {text}")
    return int(text)


def _parse_field(text: str, low: int, high: int, names: tuple[str, ...] = ()) -> _Field:
    values: set[int] = set()
    star = False
    for part in text.split(","):
        span, slash, step_text = part.partition("/")
        step = 1
        if slash:
            if not step_text.isdigit() or int(step_text) == 0:
                raise ValueError(f"invalid step in {part}")
            step = int(step_text)
        if span in ("*", "?"):
            start, end = low, high
            star = star or step == 1
        else:
            first, dash, last = span.partition("-")
            start = _parse_value(first, low, names)
            end = _parse_value(last, low, names) if dash else (high if slash else start)
        if start < low:
            raise ValueError(f"beginning of range ({start}) below minimum ({low}): {part}")
        if end > high:
            raise ValueError(f"end of range ({end}) above maximum ({high}): {part}")
        if start > end:
            raise ValueError(f"beginning of range ({start}) beyond end of range ({end}): {part}")
        values.update(range(start, end + 1, step))
    return _Field(frozenset(values), star)


@dataclass(frozen=True)
class Schedule:
    minutes: frozenset[int]
    hours: frozenset[int]
    days: _Field
    months: frozenset[int]
    weekdays: _Field

    def _day_matches(self, moment: datetime) -> bool:
        day = moment.day in self.days.values
        weekday = moment.isoweekday() % 7 in self.weekdays.values
        if self.days.star or self.weekdays.star:
            return day and weekday
        return day or weekday

    def next_after(self, moment: datetime) -> datetime | None:
        """The first scheduled minute strictly after ``moment``, in ``moment``'s zone."""
        zone: tzinfo | None = moment.tzinfo
        local = moment.replace(tzinfo=None, second=0, microsecond=0) + timedelta(minutes=1)
        limit = local.year + _SEARCH_YEARS
        while local.year <= limit:
            if local.month not in self.months:
                year, month = divmod(local.year * 12 + local.month, 12)
                local = datetime(year, month + 1, 1)
            elif not self._day_matches(local):
                local = datetime(local.year, local.month, local.day) + timedelta(days=1)
            elif local.hour not in self.hours:
                local = local.replace(minute=0) + timedelta(hours=1)
            elif local.minute not in self.minutes:
                local += timedelta(minutes=1)
            else:
                return local.replace(tzinfo=zone)
        return None

    def latest_between(self, earliest: datetime, now: datetime) -> datetime | None:
        """The last scheduled minute after ``earliest`` and at or before ``now``."""
        for window in _LOOKBACK_WINDOWS:
            start = max(earliest, now - window)
            latest = None
            moment = self.next_after(start)
            while moment is not None and moment <= now:
                latest = moment
                moment = self.next_after(moment)
            if latest is not None or start == earliest:
                return latest
        return None


def parse_schedule(text: str) -> Schedule:
    """Parse a cron schedule; ``ValueError`` explains what is wrong with it."""
    expression = _SHORTHANDS.get(text.strip().lower(), text)
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(f"expected exactly 5 fields, found {len(fields)}: {text}")
    minute, hour, day, month, weekday = fields
    return Schedule(
        minutes=_parse_field(minute, 0, 59).values,
        hours=_parse_field(hour, 0, 23).values,
        days=_parse_field(day, 1, 31),
        months=_parse_field(month, 1, 12, _MONTHS).values,
        weekdays=_parse_field(weekday, 0, 6, _DAYS),
    )
