"""Long-running work per object (a graph run per AIAnalysis or WorkflowExecution): at
most one task per key in this process, cancelled when its object ends or goes away."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

log = logging.getLogger(__name__)


class TaskSet:
    def __init__(self) -> None:
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def running(self, key: str) -> bool:
        return key in self._tasks

    def start(self, key: str, work: Callable[[], Coroutine[Any, Any, None]]) -> bool:
        """Start ``work()`` unless a task for ``key`` runs already; whether it started."""
        if key in self._tasks:
            return False
        task = asyncio.create_task(work(), name=key)
        self._tasks[key] = task
        task.add_done_callback(lambda done: self._finished(key, done))
        return True

    def cancel(self, key: str) -> None:
        task = self._tasks.get(key)
        if task is not None:
            task.cancel()

    async def close(self) -> None:
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _finished(self, key: str, task: asyncio.Task[None]) -> None:
        if self._tasks.get(key) is task:
            del self._tasks[key]
        if not task.cancelled() and task.exception() is not None:
            log.error("%s failed", key, exc_info=task.exception())
