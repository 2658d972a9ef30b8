"""Counting occurrences on a RemediationRequest without losing any under concurrency.

Signals for one RemediationRequest that arrive while a write for it is under way join
the next batch; each batch is one read-modify-write of ``status.deduplication`` guarded
by resourceVersion, so concurrent replicas and this process never overwrite each
other's counts, and a burst of 100 duplicates costs a handful of writes. A caller's
answer waits until its occurrence is stored."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from kubernaut.crds.meta import Condition, set_condition
from kubernaut.gateway.remediations import Obj, RemediationStore, is_active

SIGNAL_RESOLVED = "SignalResolved"


@dataclass(frozen=True)
class Occurrence:
    name: str
    active: bool
    """False: the RemediationRequest ended or is gone, so nothing was counted on it."""
    occurrences: int = 0


@dataclass
class _Batch:
    done: asyncio.Future[Occurrence]
    count: int = 0
    first: datetime | None = None
    last: datetime | None = None

    def add(self, seen: datetime) -> None:
        self.count += 1
        self.first = seen if self.first is None else min(self.first, seen)
        self.last = seen if self.last is None else max(self.last, seen)


def _text(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _later(moment: datetime, stored: object) -> datetime:
    try:
        previous = datetime.fromisoformat(str(stored).replace("Z", "+00:00"))
    except ValueError:
        return moment
    return max(moment, previous) if previous.tzinfo else moment


def _retrieved(done: asyncio.Future[Occurrence]) -> None:
    if not done.cancelled():
        done.exception()


class OccurrenceCounter:
    def __init__(self, remediations: RemediationStore) -> None:
        self._remediations = remediations
        self._open: dict[str, _Batch] = {}
        self._tails: dict[str, asyncio.Task[None]] = {}

    async def record(self, name: str, seen: datetime) -> Occurrence:
        """Count one occurrence on ``name`` (the first one sets firstSeen)."""
        batch = self._open.get(name)
        if batch is None:
            batch = _Batch(asyncio.get_running_loop().create_future())
            # Every waiter may have gone (a client hung up): the failure is theirs to
            # see, not the event loop's to report as never retrieved.
            batch.done.add_done_callback(_retrieved)
            self._open[name] = batch
            task = asyncio.create_task(self._flush(name, batch, self._tails.get(name)))
            self._tails[name] = task
            task.add_done_callback(lambda done: self._retire(name, done))
        batch.add(seen)
        return await asyncio.shield(batch.done)

    async def aclose(self) -> None:
        """Let the writes under way finish (their waiters may have been cancelled)."""
        await asyncio.gather(*self._tails.values(), return_exceptions=True)

    def _retire(self, name: str, task: asyncio.Task[None]) -> None:
        if self._tails.get(name) is task:
            del self._tails[name]

    async def _flush(self, name: str, batch: _Batch, previous: asyncio.Task[None] | None) -> None:
        if previous is not None:
            await asyncio.wait([previous])
        if self._open.get(name) is batch:
            del self._open[name]
        try:
            written = await self._remediations.update_status(name, lambda obj: _counted(obj, batch))
        except Exception as error:  # every waiter answers with it
            batch.done.set_exception(error)
            return
        if written is None or not is_active(written):
            batch.done.set_result(Occurrence(name, active=False))
            return
        occurrences = int(((written.get("status") or {}).get("deduplication") or {})["occurrences"])
        batch.done.set_result(Occurrence(name, active=True, occurrences=occurrences))


def _counted(obj: Obj, batch: _Batch) -> Obj | None:
    if not is_active(obj):
        return None
    assert batch.first is not None and batch.last is not None
    status = obj.get("status") or {}
    previous = status.get("deduplication") or {}
    last = _text(_later(batch.last, previous.get("lastSeen")))
    fields: Obj = {
        "deduplication": {
            "occurrences": int(previous.get("occurrences") or 0) + batch.count,
            "firstSeen": previous.get("firstSeen") or _text(batch.first),
            "lastSeen": last,
        }
    }
    if status.get("signalResolvedAt"):
        conditions = set_condition(
            [Condition.model_validate(c) for c in status.get("conditions") or []],
            SIGNAL_RESOLVED,
            False,
            "FiringAgain",
            "the signal fired again after it had resolved",
            now=batch.last,
        )
        fields["signalResolvedAt"] = None
        fields["conditions"] = [c.wire() for c in conditions]
    return fields
