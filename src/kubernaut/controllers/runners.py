"""The long-running work per object kind, and starting it at most once per object in
this process."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from kubernaut.controllers.analysis import run_analysis
from kubernaut.controllers.context import ControllerContext
from kubernaut.controllers.execution import execute_step
from kubernaut.controllers.workflow import run_workflow
from kubernaut.crds import AIAnalysis, KubernetesExecution, WorkflowExecution
from kubernaut.kube import KubeError
from kubernaut.store import StoreError

log = logging.getLogger(__name__)
FIRST_RETRY_SECONDS = 1.0
LAST_RETRY_SECONDS = 60.0

Runner = Callable[[ControllerContext, str], Awaitable[None]]

RunKind = type[AIAnalysis] | type[WorkflowExecution] | type[KubernetesExecution]

RUNNERS: dict[str, tuple[RunKind, Runner]] = {
    AIAnalysis.KIND: (AIAnalysis, run_analysis),
    WorkflowExecution.KIND: (WorkflowExecution, run_workflow),
    KubernetesExecution.KIND: (KubernetesExecution, execute_step),
}


def task_key(kind: str, name: str) -> str:
    return f"{kind}/{name}"


def ensure_running(ctx: ControllerContext, kind: str, name: str, runner: Runner) -> None:
    async def once() -> None:
        if kind == AIAnalysis.KIND:
            async with ctx.analysis_slots:
                await runner(ctx, name)
        else:
            await runner(ctx, name)

    async def work() -> None:
        delay = FIRST_RETRY_SECONDS
        while True:
            try:
                await once()
                return
            except (KubeError, StoreError) as error:
                # Transient as far as this process can tell: the runner resumes from
                # the objects; the phase timeouts bound how long this may go on (a
                # timed-out object is marked finished and its task cancelled).
                log.warning("%s %s stopped, resumes in %gs: %s", kind, name, delay, error)
            await asyncio.sleep(delay)
            delay = min(delay * 2, LAST_RETRY_SECONDS)

    if ctx.tasks.start(task_key(kind, name), work):
        log.debug("started %s %s", kind, name)


def stop_running(ctx: ControllerContext, kind: str, name: str) -> None:
    ctx.tasks.cancel(task_key(kind, name))
