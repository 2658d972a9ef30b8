"""Growing a PersistentVolumeClaim. Volumes only grow, and only when their StorageClass
allows it, so this is checked before anything is written."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from kubernaut.core.actions import RiskLevel
from kubernaut.core.quantity import parse_quantity
from kubernaut.core.resources import ResourceRef
from kubernaut.kube import KubeApiError
from kubernaut.tools.actions.parameters import ActionParameters, Quantity
from kubernaut.tools.actions.targets import Obj, read_target, write_to
from kubernaut.tools.catalog_types import (
    ActionContext,
    ActionParameterError,
    ActionSpec,
    ActionUnavailable,
)
from kubernaut.tools.plan import ActionPlan, Impact


class ExpandParameters(ActionParameters):
    size: Quantity = Field(
        description="The new storage request (a quantity, e.g. 20Gi), larger than the current one."
    )


async def _storage_class(ctx: ActionContext, claim: Obj) -> Obj | None:
    """The StorageClass the claim names (the API server fills in the default class when
    a claim is created without one). None when the cluster cannot say (no class named,
    no such class, or StorageClasses not served); the API server's own check on the
    write, which the dry run meets first, then decides."""
    name = (claim.get("spec") or {}).get("storageClassName")
    if not name:
        return None
    try:
        return await ctx.client.get("storage.k8s.io/v1", "StorageClass", None, name)
    except KubeApiError as error:
        if error.status == 404:
            return None
        raise


async def _plan(ctx: ActionContext, target: ResourceRef, params: ExpandParameters) -> ActionPlan:
    claim = await read_target(ctx, target)
    spec: Obj = claim.get("spec") or {}
    current = str(((spec.get("resources") or {}).get("requests") or {}).get("storage") or "0")
    if parse_quantity(params.size) <= parse_quantity(current):
        raise ActionParameterError(
            f"size: {params.size} is not larger than the current request {current} of "
            f"{target}; a volume can only grow"
        )
    phase = (claim.get("status") or {}).get("phase")
    if phase != "Bound":
        raise ActionUnavailable(
            f"{target} is {phase or 'not bound'}: only a bound claim can be expanded"
        )
    storage_class = await _storage_class(ctx, claim)
    if storage_class is not None and not storage_class.get("allowVolumeExpansion"):
        raise ActionUnavailable(
            f"StorageClass {storage_class['metadata']['name']} of {target} does not allow "
            "volume expansion (allowVolumeExpansion is not true): expand it by other means, "
            "e.g. migrate the data to a larger claim"
        )
    factor = parse_quantity(params.size) / max(parse_quantity(current), Decimal(1))
    return ActionPlan(
        action="expand_pvc",
        target=target,
        parameters=params.model_dump(),
        writes=[
            write_to(
                claim, "patch", {"spec": {"resources": {"requests": {"storage": params.size}}}}
            )
        ],
        pre_state={"storage": current},
        impact=Impact(),
        summary=f"storage request of {target}: {current} -> {params.size} (x{factor:.2g})",
    )


SPECS = (
    ActionSpec(
        name="expand_pvc",
        description="Grow a PersistentVolumeClaim's storage request (e.g. a full volume); "
        "its StorageClass must allow expansion. Volumes cannot shrink back.",
        parameters=ExpandParameters,
        risk=RiskLevel.MEDIUM,
        reversible=False,
        target_kinds=("PersistentVolumeClaim",),
        planner=_plan,
    ),
)
