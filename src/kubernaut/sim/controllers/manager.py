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
        self._sequence = itertools.count()
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.reconciles = 0
        store.add_listener(self._on_event)
        clock.on_advance(self._on_clock_advance)

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
            heapq.heappush(self._timers, (due, next(self._sequence), index, key))
            self._wake.set()

    def _on_event(self, event: StoreEvent) -> None:
        for resource_key in (event.resource.key, WILDCARD):
            for controller, mapper in self._routes.get(resource_key, ()):
                for key in mapper(event):
                    self.enqueue(controller, key)

    def _on_clock_advance(self) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._wake.set)

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
        self._loop = asyncio.get_running_loop()
        while True:
            self._release_due_timers()
            if not self._ready:
                await self._sleep_until_work()
                continue
            for count, (index, key) in enumerate(list(self._ready)):
                del self._ready[(index, key)]
                self._reconcile(self._controllers[index], key)
                if count % _YIELD_EVERY == _YIELD_EVERY - 1:
                    await asyncio.sleep(0)
            await asyncio.sleep(0)

    def _reconcile(self, controller: Controller, key: Key) -> None:
        self.reconciles += 1
        try:
            after = controller.reconcile(key)
        except Exception:
            logger.exception("controller %s failed on %s/%s; retrying", controller.name, *key)
            after = 1.0
        if after is not None:
            self.enqueue(controller, key, after)

    def _release_due_timers(self) -> None:
        now = self._clock.elapsed()
        while self._timers and self._timers[0][0] <= now:
            _, _, index, key = heapq.heappop(self._timers)
            self._ready[(index, key)] = None

    async def _sleep_until_work(self) -> None:
        self._wake.clear()
        timeout = None
        if self._timers:
            timeout = self._clock.real_seconds(self._timers[0][0] - self._clock.elapsed())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout)
