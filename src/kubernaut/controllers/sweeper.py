"""The periodic sweep: what no watch event announces. Timeouts, the end of a block,
approval expiry and retention come due with time; and a runner whose task died (an
error, a restart that missed an event) is started again."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime

from kubernaut.controllers.approvals import settle
from kubernaut.controllers.context import ControllerContext
from kubernaut.controllers.deadlines import due
from kubernaut.controllers.orchestrator import forget, reconcile_named
from kubernaut.controllers.runners import RUNNERS, ensure_running
from kubernaut.crds import API_VERSION, RemediationApproval, RemediationRequest
from kubernaut.kube import KubeError
from kubernaut.kube.events import EventType, post_event

log = logging.getLogger(__name__)
QUIET_SWEEPS = 6
"""A RemediationRequest nothing reconciled for this many sweeps is reconciled anyway."""


async def sweep(ctx: ControllerContext, *, runners: bool = True) -> None:
    """One pass; ``runners`` also lists the runner kinds to start any whose watch event
    this process missed (the expensive part, so not every pass)."""
    now = ctx.clock()
    retention = ctx.settings.retention
    for found in await ctx.client.list(API_VERSION, RemediationRequest.KIND, ctx.namespace):
        remediation = ctx.remediations.seen(found)
        status = remediation.status
        if not status.phase.terminal and _needs_visit(ctx, remediation, now):
            await reconcile_named(ctx, remediation.name)
        elif status.completed_at and (now - status.completed_at).total_seconds() > retention:
            await post_event(
                ctx.client,
                found,
                "Deleted",
                f"finished {status.completed_at:%Y-%m-%dT%H:%M:%SZ}, kept {retention:g}s",
                type_=EventType.NORMAL,
                now=now,
            )
            await ctx.checkpointer.adelete_thread(remediation.metadata.uid or "")
            await ctx.client.delete(API_VERSION, remediation.KIND, ctx.namespace, remediation.name)
            forget(ctx, remediation.name)
    for found in await ctx.client.list(API_VERSION, RemediationApproval.KIND, ctx.namespace):
        await settle(ctx, RemediationApproval.parse(found))
    if not runners:
        return
    for kind, (model, runner) in RUNNERS.items():
        for found in await ctx.client.list(API_VERSION, kind, ctx.namespace):
            obj = model.parse(found)
            if not obj.status.phase.terminal:
                ensure_running(ctx, kind, obj.name, runner)


def _needs_visit(ctx: ControllerContext, remediation: RemediationRequest, now: datetime) -> bool:
    """Time made it due, or no event brought it here for a while (one may have been
    missed, or another replica's change not seen)."""
    last = ctx.reconciled.get(remediation.name)
    quiet = last is None or time.monotonic() - last > ctx.settings.resync * QUIET_SWEEPS
    return quiet or due(remediation, ctx.settings.timeouts, now)


async def sweep_forever(ctx: ControllerContext, stop: asyncio.Event) -> None:
    passes = 0
    while not stop.is_set():
        try:
            await sweep(ctx, runners=passes % QUIET_SWEEPS == 0)
        except KubeError as error:
            log.warning("sweep failed, will retry in %gs: %s", ctx.settings.resync, error)
        passes += 1
        try:
            await asyncio.wait_for(stop.wait(), ctx.settings.resync)
        except TimeoutError:
            continue
