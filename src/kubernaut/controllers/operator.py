"""The controllers as one kopf operator: watch events of every Kubernaut kind in the
namespace drive the handlers; the sweeper covers what comes due with time.

kopf is used for what it does well (watching with resumption, per-object event
serialisation, login, liveness); the handlers are level-triggered and keep no state in
kopf (no progress annotations, no finalizers), so any replica can pick up any object
and a restart needs nothing but the objects themselves.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import kopf

from kubernaut.controllers.approvals import settle
from kubernaut.controllers.context import ControllerContext
from kubernaut.controllers.orchestrator import forget, reconcile_named
from kubernaut.controllers.processing import enrich
from kubernaut.controllers.runners import RUNNERS, ensure_running, stop_running
from kubernaut.controllers.sweeper import sweep_forever
from kubernaut.crds import (
    GROUP,
    VERSION,
    RemediationApproval,
    RemediationProcessing,
)
from kubernaut.crds.definitions import ALL_KINDS

log = logging.getLogger(__name__)
DELETED = "DELETED"
ACTIONABLE = frozenset({"AwaitingApproval", "Completed", "Failed"})
"""The child phases the orchestrator acts on, for the children it acts on
(RemediationProcessing, AIAnalysis, WorkflowExecution): the others (Investigating,
Verifying, ...) and a KubernetesExecution's need nothing from it."""
ORCHESTRATED = frozenset({"RemediationProcessing", "AIAnalysis", "WorkflowExecution"})


def build_registry(ctx: ControllerContext) -> kopf.OperatorRegistry:
    registry = kopf.OperatorRegistry()
    plurals = {kind.kind: kind.plural for kind in ALL_KINDS}

    @kopf.on.startup(registry=registry)
    def configure(settings: kopf.OperatorSettings, **_: Any) -> None:
        settings.posting.enabled = False  # the handlers post their own, meaningful events
        settings.watching.server_timeout = 300
        settings.watching.client_timeout = 330
        settings.persistence.finalizer = "kubernaut.io/kopf"

    @kopf.on.login(registry=registry)
    def login(**_: Any) -> kopf.ConnectionInfo:
        connection = ctx.client.connection
        certificate, key = connection.client_cert or (None, None)
        return kopf.ConnectionInfo(
            server=connection.server,
            token=connection.token or None,
            insecure=connection.verify is False,
            ca_path=connection.ca_file,
            ca_data=connection.ca_data,
            certificate_path=certificate,
            private_key_path=key,
            default_namespace=ctx.namespace,
        )

    @kopf.on.event(GROUP, VERSION, "remediationrequests", registry=registry)
    async def remediation_event(body: kopf.Body, name: str, type: str | None, **_: Any) -> None:
        if type == DELETED:
            forget(ctx, name)
        elif not ctx.remediations.knows(dict(body)):
            ctx.remediations.seen(dict(body))
            await reconcile_named(ctx, name)

    @kopf.on.event(GROUP, VERSION, "remediationprocessings", registry=registry)
    async def processing_event(body: kopf.Body, type: str | None, **_: Any) -> None:
        if type == DELETED:
            _forget_child(ctx, body)
            return
        await enrich(ctx, RemediationProcessing.parse(dict(body)))
        await _reconcile_parent(ctx, body)

    @kopf.on.event(GROUP, VERSION, "remediationapprovals", registry=registry)
    async def approval_event(body: kopf.Body, type: str | None, **_: Any) -> None:
        if type == DELETED:
            return
        approval = await settle(ctx, RemediationApproval.parse(dict(body)))
        ctx.waiter.notify(approval.KIND, approval.namespace, approval.name)

    for kind, (model, runner) in RUNNERS.items():

        async def runner_event(
            body: kopf.Body,
            name: str,
            type: str | None,
            _kind: str = kind,
            _model: Any = model,
            _runner: Any = runner,
            **_: Any,
        ) -> None:
            ctx.waiter.notify(_kind, ctx.namespace, name)
            finished = type == DELETED or _model.parse(dict(body)).status.phase.terminal
            if finished:
                stop_running(ctx, _kind, name)
            else:
                ensure_running(ctx, _kind, name, _runner)
            if type == DELETED:
                _forget_child(ctx, body)
            else:
                await _reconcile_parent(ctx, body)

        kopf.on.event(GROUP, VERSION, plurals[kind], registry=registry, id=f"{kind}-events")(
            runner_event
        )

    return registry


async def _reconcile_parent(ctx: ControllerContext, body: kopf.Body) -> None:
    """Reconcile the child's RemediationRequest when the child's phase moved to one the
    orchestrator acts on; most child writes (checkpoints, the trail) leave the phase
    alone. The sweeper covers a change this process did not see."""
    parent = (body.get("spec") or {}).get("remediationRequest")
    if body.get("kind") not in ORCHESTRATED:
        return
    key = f"{body.get('kind')}/{body.get('metadata', {}).get('name')}"
    phase = (body.get("status") or {}).get("phase") or ""
    if not parent or phase not in ACTIONABLE or ctx.child_phases.get(key) == phase:
        return
    ctx.child_phases[key] = phase
    await reconcile_named(ctx, parent)


def _forget_child(ctx: ControllerContext, body: kopf.Body) -> None:
    ctx.child_phases.pop(f"{body.get('kind')}/{body.get('metadata', {}).get('name')}", None)


async def run_controllers(
    ctx: ControllerContext,
    stop: asyncio.Event,
    ready: asyncio.Event | None = None,
) -> None:
    """Run every controller until ``stop`` is set; ``ready`` is set once watching."""
    registry = build_registry(ctx)
    sweeper = asyncio.create_task(sweep_forever(ctx, stop), name="kubernaut-sweeper")
    try:
        await kopf.operator(
            registry=registry,
            standalone=True,
            namespaces=[ctx.namespace],
            stop_flag=stop,
            ready_flag=ready,
        )
    finally:
        stop.set()
        await sweeper
        await ctx.tasks.close()
