"""Writing status: partial merge patches of the status subresource, and phase changes
that also post a Kubernetes Event (and an audit row) so ``kubectl describe`` tells the
story."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from kubernaut.controllers.conditions import lifecycle_conditions
from kubernaut.controllers.context import ControllerContext
from kubernaut.crds import API_VERSION, CrdObject
from kubernaut.crds.meta import StatusBase
from kubernaut.kube.errors import KubeApiError
from kubernaut.kube.events import EventType, post_event
from kubernaut.kube.guarded import guarded_update

Obj = dict[str, Any]
log = logging.getLogger(__name__)


def partial(status: StatusBase) -> Obj:
    """Only the fields set on ``status``: a merge patch leaves the rest alone."""
    return status.model_dump(mode="json", by_alias=True, exclude_unset=True)


async def patch_status(ctx: ControllerContext, obj: CrdObject, status: StatusBase | Obj) -> Obj:
    body = status if isinstance(status, dict) else partial(status)
    return await ctx.client.patch(
        API_VERSION, obj.KIND, obj.namespace, obj.name, {"status": body}, subresource="status"
    )


async def transition(
    ctx: ControllerContext,
    obj: CrdObject,
    status: StatusBase,
    *,
    reason: str,
    message: str,
    warning: bool = False,
) -> Obj:
    """Patch ``status`` (which sets ``phase``); when the phase changes, say so in an Event
    named ``reason`` and in the audit log. The three go together even when the caller
    is cancelled halfway (a runner is stopped as soon as its object is seen finished,
    which may be by the very patch this makes)."""
    work = asyncio.ensure_future(_transition(ctx, obj, status, reason, message, warning))
    work.add_done_callback(_note_failure)
    return await asyncio.shield(work)


def _note_failure(work: asyncio.Future[Obj]) -> None:
    """A transition whose caller was cancelled fails alone: say so in the log."""
    if not work.cancelled() and work.exception() is not None:
        log.warning("a phase change was not written: %s", work.exception())


async def _transition(
    ctx: ControllerContext,
    obj: CrdObject,
    status: StatusBase,
    reason: str,
    message: str,
    warning: bool,
) -> Obj:
    previous = _stored_phase(obj)
    phase = getattr(status, "phase", None)
    stored = await _with_lifecycle(ctx, obj, status)
    if phase is not None and phase != previous:
        kind = EventType.WARNING if warning else EventType.NORMAL
        await post_event(ctx.client, obj.wire(), reason, message, type_=kind, now=ctx.clock())
        await ctx.audit(obj, reason, message, {"phase": str(phase), "from": str(previous or "")})
    return stored


def _stored_phase(obj: CrdObject) -> object:
    """The phase the object has stored; None before its first phase is written (the
    model's default is not a phase it was ever in)."""
    stored = getattr(obj, "status", None)
    if stored is None or "phase" not in stored.model_fields_set:
        return None
    return getattr(stored, "phase", None)


async def _with_lifecycle(ctx: ControllerContext, obj: CrdObject, status: StatusBase) -> Obj:
    """Patch ``status`` together with ``observedGeneration`` and the lifecycle conditions
    (see :mod:`~kubernaut.controllers.conditions`) computed from what is stored, guarded
    by the resourceVersion read: the gateway sets conditions of its own on a
    RemediationRequest, and a stale list must not overwrite them."""
    fields = partial(status)
    status_model = type(status)

    def change(current: Obj) -> Obj:
        merged = {**(current.get("status") or {}), **fields}
        phase = getattr(status_model.model_validate(merged), "phase", None)
        generation = (current.get("metadata") or {}).get("generation")
        return {
            **fields,
            "observedGeneration": generation,
            "conditions": lifecycle_conditions(
                merged,
                terminal=bool(getattr(phase, "terminal", False)),
                now=ctx.clock(),
                generation=generation,
            ),
        }

    stored = await guarded_update(
        ctx.client, API_VERSION, obj.KIND, obj.namespace, obj.name, "status", change
    )
    if stored is None:
        raise KubeApiError(
            "PATCH", f"{obj.KIND} {obj.namespace}/{obj.name}", 404, "NotFound", "it is gone"
        )
    return stored
