"""A small controller runtime: work queues fed by store events, timed requeues on the sim clock."""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
from collections.abc import Callable, Iterable
from typing import Protocol

from kubernaut.sim.clock import SimClock
from kubernaut.sim.store import Store, StoreEvent

Key = tuple[str, str]
"""(namespace, name) of the object to reconcile."""

Mapper = Callable[[StoreEvent], Iterable[Key]]

logger = logging.getLogger(__name__)

_YIELD_EVERY = 20
_DRAIN_LIMIT = 200_000

WILDCARD = "*"
"""Resource key that routes events of every type (the garbage collector's)."""


class Controller(Protocol):
    name: str

    def watches(self) -> Iterable[tuple[str, Mapper]]:
        """(resource key, mapper from a store event to the keys to reconcile)."""
        ...

    def reconcile(self, key: Key) -> float | None:
        """Bring ``key`` towards its desired state; return sim seconds until a recheck."""
        ...


def same_object(event: StoreEvent) -> Iterable[Key]:
    metadata = event.object["metadata"]
    return [(metadata.get("namespace", ""), metadata["name"])]


def controller_owner(kind: str) -> Mapper:
    """Map an owned object's events to its controlling owner of ``kind``."""

    def mapper(event: StoreEvent) -> Iterable[Key]:
        keys = []
        for obj in (event.object, event.old):
            for ref in (obj or {}).get("metadata", {}).get("ownerReferences") or []:
                if ref.get("controller") and ref.get("kind") == kind:
                    keys.append((obj["metadata"].get("namespace", ""), ref["name"]))  # type: ignore[index]
        return keys

    return mapper


class ControllerManager:
    def __init__(self, store: Store, clock: SimClock) -> None:
        self._store = store
        self._clock = clock
        self._controllers: list[Controller] = []
        self._routes: dict[str, list[tuple[Controller, Mapper]]] = {}
        self._ready: dict[tuple[int, Key], None] = {}
        self._timers: list[tuple[float, int, int, Key]] = []
        self._timer_due: dict[tuple[int, Key], float] = {}
        """The earliest pending timer per key; heap entries that differ are stale."""
        self._sequence = itertools.count()
        self._wake = asyncio.Event()
        self.reconciles = 0
        store.add_listener(self._on_event)

    def register(self, controller: Controller) -> None:
        self._controllers.append(controller)
        for resource_key, mapper in controller.watches():
            self._routes.setdefault(resource_key, []).append((controller, mapper))

    def enqueue(self, controller: Controller, key: Key, after: float = 0.0) -> None:
        index = self._controllers.index(controller)
        if after <= 0:
            self._ready[(index, key)] = None
            self._wake.set()
        else:
            due = self._clock.elapsed() + after
            pending = self._timer_due.get((index, key))
            if pending is not None and pending <= due:
                return  # an earlier recheck of the same key is already scheduled
            self._timer_due[(index, key)] = due
            heapq.heappush(self._timers, (due, next(self._sequence), index, key))
            self._wake.set()

    def _on_event(self, event: StoreEvent) -> None:
        for resource_key in (event.resource.key, WILDCARD):
            for controller, mapper in self._routes.get(resource_key, ()):
                for key in mapper(event):
                    self.enqueue(controller, key)

    def resync(self) -> None:
        """Queue every existing object for the controllers that own its type."""
        for resource_key, routes in self._routes.items():
            if resource_key == WILDCARD:
                continue
            plural, _, group = resource_key.partition(".")
            resource = self._store.registry.find(group, plural)
            if resource is None:
                continue
            for obj in self._store.scan(resource):
                event = StoreEvent("ADDED", resource, obj, None, self._store.resource_version)
                for controller, mapper in routes:
                    for key in mapper(event):
                        self.enqueue(controller, key)

    async def run(self) -> None:
        """Process work forever: all immediate work first, then the earliest timers.

        Timers are released one due time at a time, and only when no immediate work is
        left, so the order of reconciles (and of the events they post) depends on the
        simulated timeline, not on how fast the machine is.
        """
        while True:
            if self._ready:
                for _ in range(_YIELD_EVERY):
                    if not self._reconcile_next():
                        break
                await asyncio.sleep(0)
            elif not self._release_earliest(self._clock.elapsed()):
                await self._sleep_until_work()

    def run_until(self, target: float) -> None:
        """Step simulated time to ``target``, running every timer at its own due time."""
        while True:
            self._drain()
            if not self._timers or self._timers[0][0] > target:
                break
            self._clock.set_elapsed(self._timers[0][0])
            self._release_earliest(self._clock.elapsed())
        self._clock.set_elapsed(target)
        self._drain()

    def _drain(self) -> None:
        for _ in range(_DRAIN_LIMIT):
            if not self._reconcile_next():
                return
        logger.error("controllers still busy after %d reconciles; stopping this step", _DRAIN_LIMIT)

    def _reconcile_next(self) -> bool:
        if not self._ready:
            return False
        index, key = next(iter(self._ready))
        del self._ready[(index, key)]
        self._reconcile(self._controllers[index], key)
        return True

    def _reconcile(self, controller: Controller, key: Key) -> None:
        self.reconciles += 1
        try:
            after = controller.reconcile(key)
        except Exception:
            logger.exception("controller %s failed on %s/%s; retrying", controller.name, *key)
            after = 1.0
        if after is not None:
            self.enqueue(controller, key, after)

    def _release_earliest(self, now: float) -> bool:
        """Move the timers sharing the earliest due time (if due by ``now``) to the queue."""
        if not self._timers or self._timers[0][0] > now:
            return False
        due = self._timers[0][0]
        while self._timers and self._timers[0][0] == due:
            _, _, index, key = heapq.heappop(self._timers)
            if self._timer_due.get((index, key)) == due:
                del self._timer_due[(index, key)]
                self._ready[(index, key)] = None
        return True

    async def _sleep_until_work(self) -> None:
        self._wake.clear()
        timeout = None
        if self._timers:
            timeout = self._clock.real_seconds(self._timers[0][0] - self._clock.elapsed())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout)
