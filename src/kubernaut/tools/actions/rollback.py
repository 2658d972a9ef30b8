"""Rolling a Deployment back to an earlier revision, as ``kubectl rollout undo`` does:
the ReplicaSet of that revision holds its pod template, which goes back into the
Deployment."""

from __future__ import annotations

import copy

from pydantic import Field

from kubernaut.core.actions import RiskLevel
from kubernaut.core.resources import ResourceRef
from kubernaut.tools.actions.parameters import ActionParameters
from kubernaut.tools.actions.targets import (
    Obj,
    annotations_of,
    controller_of,
    read_target,
    write_to,
)
from kubernaut.tools.actions.templates import rollout_size
from kubernaut.tools.catalog_types import (
    ActionContext,
    ActionParameterError,
    ActionSpec,
    ActionUnavailable,
)
from kubernaut.tools.plan import ActionPlan, Impact

REVISION = "deployment.kubernetes.io/revision"
POD_TEMPLATE_HASH = "pod-template-hash"


class RollbackParameters(ActionParameters):
    to_revision: int | None = Field(
        default=None,
        ge=1,
        description="The revision to return to; left out, the one before the current.",
    )


async def _revisions_of(ctx: ActionContext, deployment: Obj) -> dict[int, Obj]:
    """The Deployment's ReplicaSets by revision number."""
    metadata = deployment["metadata"]
    found: dict[int, Obj] = {}
    for replica_set in await ctx.client.list("apps/v1", "ReplicaSet", metadata["namespace"]):
        owner = controller_of(replica_set)
        revision = annotations_of(replica_set).get(REVISION, "")
        if owner is None or owner.get("uid") != metadata.get("uid") or not revision.isdigit():
            continue
        found[int(revision)] = replica_set
    return found


def _template_of(replica_set: Obj) -> Obj:
    template = copy.deepcopy((replica_set.get("spec") or {}).get("template") or {})
    labels = (template.get("metadata") or {}).get("labels") or {}
    labels.pop(POD_TEMPLATE_HASH, None)
    return template


def _images(template: Obj) -> str:
    containers = (template.get("spec") or {}).get("containers") or []
    return ", ".join(str(c.get("image")) for c in containers)


def _replace_template(template: Obj) -> list[Obj]:
    return [{"op": "replace", "path": "/spec/template", "value": template}]


async def _plan(ctx: ActionContext, target: ResourceRef, params: RollbackParameters) -> ActionPlan:
    deployment = await read_target(ctx, target)
    revisions = await _revisions_of(ctx, deployment)
    current_template = copy.deepcopy(deployment["spec"]["template"])
    current = int(annotations_of(deployment).get(REVISION) or max(revisions, default=0))
    wanted = params.to_revision
    if wanted is None:
        earlier = [number for number in revisions if number < current]
        if not earlier:
            raise ActionUnavailable(
                f"{target} has no revision before its current one ({current}) to roll back to"
            )
        wanted = max(earlier)
    elif wanted not in revisions:
        known = ", ".join(str(number) for number in sorted(revisions)) or "none"
        raise ActionParameterError(
            f"to_revision: {target} has no revision {wanted} (revisions kept: {known})"
        )
    elif wanted == current:
        raise ActionUnavailable(f"{target} is already at revision {wanted}")
    template = _template_of(revisions[wanted])
    return ActionPlan(
        action="rollback_deployment",
        target=target,
        parameters={"to_revision": wanted},
        writes=[write_to(deployment, "patch", _replace_template(template), patch_type="json")],
        rollback=[
            write_to(deployment, "patch", _replace_template(current_template), patch_type="json")
        ],
        pre_state={"revision": current, "template": current_template},
        impact=Impact(pods_affected=rollout_size(deployment)),
        summary=(
            f"{target}: revision {current} ({_images(current_template)}) -> pod template of "
            f"revision {wanted} ({_images(template)})"
        ),
    )


SPECS = (
    ActionSpec(
        name="rollback_deployment",
        description="Roll a Deployment back to an earlier revision's pod template (by "
        "default the previous one) when a rollout made things worse.",
        parameters=RollbackParameters,
        risk=RiskLevel.MEDIUM,
        reversible=True,
        target_kinds=("Deployment",),
        planner=_plan,
    ),
)
