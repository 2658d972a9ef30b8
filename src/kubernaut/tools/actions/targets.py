"""Reading the object an action acts on, and addressing writes to it."""

from __future__ import annotations

from typing import Any

from kubernaut.core.resources import ResourceRef
from kubernaut.kube import PatchType
from kubernaut.tools.catalog_types import ActionContext, ActionUnavailable
from kubernaut.tools.plan import PlannedWrite, WriteVerb

Obj = dict[str, Any]

ANY_KIND = "*"
"""In an action's ``target_kinds``: the action acts on an object of any kind."""

MIRROR_POD = "kubernetes.io/config.mirror"
"""Annotation of the API's copy of a static pod: the kubelet, not a controller, runs it."""

ACTION_LABEL = "kubernaut.io/action"
STEP_KEY_LABEL = "kubernaut.io/step-key"


async def read_target(ctx: ActionContext, target: ResourceRef) -> Obj:
    """The target as the API server has it; ActionUnavailable when it does not exist."""
    found = await ctx.client.get("", target.kind, target.namespace or None, target.name)
    if found is None:
        raise ActionUnavailable(f"{target} does not exist")
    return found


def step_key_of(ctx: ActionContext, action: str) -> str:
    """The step's idempotency key, which names what the action creates; planning such an
    action without one would make two executions create two objects."""
    if not ctx.step_key:
        raise ActionUnavailable(
            f"{action} names what it creates after the step's idempotency key, and none was "
            "given: plan it with ActionContext(step_key=...)"
        )
    return ctx.step_key


def write_to(
    obj: Obj,
    verb: WriteVerb,
    body: Any = None,
    *,
    patch_type: PatchType = "merge",
) -> PlannedWrite:
    """A write addressed to ``obj`` (its apiVersion, kind, namespace and name), an object
    read with a GET (list items carry no kind)."""
    metadata = obj.get("metadata") or {}
    return PlannedWrite(
        verb=verb,
        api_version=str(obj.get("apiVersion") or ""),
        kind=str(obj.get("kind") or ""),
        namespace=str(metadata.get("namespace") or ""),
        name=str(metadata["name"]),
        body=body,
        patch_type=patch_type,
    )


def labels_of(obj: Obj) -> dict[str, str]:
    return dict((obj.get("metadata") or {}).get("labels") or {})


def annotations_of(obj: Obj) -> dict[str, str]:
    return dict((obj.get("metadata") or {}).get("annotations") or {})


def controller_of(obj: Obj) -> Obj | None:
    """The owner reference marked as the object's controller, if any."""
    for ref in (obj.get("metadata") or {}).get("ownerReferences") or []:
        if ref.get("controller"):
            found: Obj = ref
            return found
    return None
