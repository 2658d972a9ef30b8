"""Creating and reading a remediation's children: owned by the RemediationRequest (so
they go when it goes), labelled with its name and uid, and created idempotently."""

from __future__ import annotations

from typing import TypeVar

from kubernaut.controllers.context import ControllerContext
from kubernaut.crds import API_VERSION, CrdObject, RemediationRequest
from kubernaut.crds.meta import REMEDIATION_LABEL, REMEDIATION_UID_LABEL, ObjectMeta
from kubernaut.kube import KubeError
from kubernaut.kube.errors import KubeApiError

T = TypeVar("T", bound=CrdObject)


def child_metadata(remediation: RemediationRequest, name: str) -> ObjectMeta:
    return ObjectMeta(
        name=name,
        namespace=remediation.namespace,
        labels={
            REMEDIATION_LABEL: remediation.name[:63],
            REMEDIATION_UID_LABEL: remediation.metadata.uid or "",
        },
        owner_references=[remediation.owner_reference()],
    )


async def ensure_child(ctx: ControllerContext, child: T) -> T:
    """Create ``child``; when it exists already (a repeat after a restart), the stored one."""
    try:
        stored = await ctx.client.create(child.wire())
    except KubeApiError as error:
        if error.status != 409:
            raise
        found = await get_child(ctx, type(child), child.name)
        if found is None:
            raise
        return found
    return type(child).parse(stored)


async def get_child(ctx: ControllerContext, model: type[T], name: str) -> T | None:
    found = await ctx.client.get(API_VERSION, model.KIND, ctx.namespace, name)
    return model.parse(found) if found is not None else None


async def next_version(ctx: ControllerContext, child: T) -> T:
    """``child`` as it is after its next change (seen by this process's watch) or after
    ``resync`` seconds, whichever comes first; an error when it was deleted meanwhile."""
    await ctx.waiter.changed(child.KIND, child.namespace, child.name, ctx.settings.resync)
    found = await get_child(ctx, type(child), child.name)
    if found is None:
        raise KubeError(f"{child.KIND} {child.name} was deleted while waited on")
    return found
