"""Acting on one pod: delete it, restart it through its controller, or quarantine it
(take it out of service and out of its controller's hands, but keep it to debug)."""

from __future__ import annotations

import json
from typing import Any

from pydantic import Field

from kubernaut.core.actions import RiskLevel
from kubernaut.core.resources import ResourceRef
from kubernaut.tools.actions.parameters import ActionParameters
from kubernaut.tools.actions.selectors import selector_keys, selects
from kubernaut.tools.actions.targets import (
    MIRROR_POD,
    Obj,
    annotations_of,
    controller_of,
    labels_of,
    read_target,
    write_to,
)
from kubernaut.tools.catalog_types import ActionContext, ActionSpec, ActionUnavailable, Planner
from kubernaut.tools.plan import ActionPlan, Impact

QUARANTINED = "kubernaut.io/quarantined"
QUARANTINED_LABELS = "kubernaut.io/quarantined-labels"


class DeletePodParameters(ActionParameters):
    grace_period_seconds: int | None = Field(
        default=None,
        ge=0,
        description="Seconds the containers get to stop; left out, the pod's own setting.",
    )


class QuarantineParameters(ActionParameters):
    """No parameters: the labels to remove follow from the pod's controller and Services."""


def _pod_state(pod: Obj) -> Obj:
    owner = controller_of(pod)
    return {
        "node": (pod.get("spec") or {}).get("nodeName"),
        "phase": (pod.get("status") or {}).get("phase"),
        "controller": f"{owner['kind']} {owner['name']}" if owner else None,
    }


def _delete_planner(action: str, *, needs_controller: bool) -> Planner:
    async def plan(
        ctx: ActionContext, target: ResourceRef, params: DeletePodParameters
    ) -> ActionPlan:
        pod = await read_target(ctx, target)
        owner = controller_of(pod)
        if needs_controller and (owner is None or MIRROR_POD in annotations_of(pod)):
            raise ActionUnavailable(
                f"{target} has no controller that would recreate it, so deleting it would "
                "not restart it; use delete_pod if removing it is what you want"
            )
        options: Obj = {}
        if params.grace_period_seconds is not None:
            options["gracePeriodSeconds"] = params.grace_period_seconds
        fate = (
            f"{owner['kind']} {owner['name']} starts a replacement"
            if owner
            else "no controller recreates it"
        )
        return ActionPlan(
            action=action,
            target=target,
            parameters=params.model_dump(exclude_none=True),
            writes=[write_to(pod, "delete", options or None)],
            pre_state=_pod_state(pod),
            impact=Impact(pods_affected=1),
            summary=f"{target} deleted; {fate}",
        )

    return plan


async def _services_selecting(ctx: ActionContext, pod: Obj) -> list[Obj]:
    services = await ctx.client.list("v1", "Service", pod["metadata"]["namespace"])
    labels = labels_of(pod)
    return [
        service
        for service in services
        if (selector := (service.get("spec") or {}).get("selector"))
        and selects({"matchLabels": selector}, labels)
    ]


async def _controller_selector(ctx: ActionContext, pod: Obj, owner: Obj) -> Obj:
    controller = await ctx.client.get(
        str(owner.get("apiVersion") or ""),
        str(owner["kind"]),
        pod["metadata"]["namespace"],
        str(owner["name"]),
    )
    selector: Obj = ((controller or {}).get("spec") or {}).get("selector") or {}
    return selector


async def _plan_quarantine(
    ctx: ActionContext, target: ResourceRef, params: QuarantineParameters
) -> ActionPlan:
    pod = await read_target(ctx, target)
    owner = controller_of(pod)
    if owner is not None and owner.get("kind") == "StatefulSet":
        raise ActionUnavailable(
            f"{target} belongs to StatefulSet {owner['name']}, which cannot replace it while "
            "it exists under the same name: use restart_pod or delete_pod instead"
        )
    keys: set[str] = set()
    services = await _services_selecting(ctx, pod)
    for service in services:
        keys.update(service["spec"]["selector"])
    if owner is not None:
        keys.update(selector_keys(await _controller_selector(ctx, pod, owner)))
    labels = labels_of(pod)
    removed = {key: labels[key] for key in sorted(keys) if key in labels}
    metadata: dict[str, Any] = {
        "labels": {**dict.fromkeys(removed), QUARANTINED: "true"},
        "annotations": {QUARANTINED_LABELS: json.dumps(removed, sort_keys=True)},
    }
    if owner is not None:
        metadata["ownerReferences"] = None
    names = ", ".join(service["metadata"]["name"] for service in services) or "none"
    replaced = f"; {owner['kind']} {owner['name']} replaces it" if owner else ""
    return ActionPlan(
        action="quarantine_pod",
        target=target,
        parameters=params.model_dump(),
        writes=[write_to(pod, "patch", {"metadata": metadata})],
        pre_state={**_pod_state(pod), "labels": labels},
        impact=Impact(pods_affected=1),
        summary=(
            f"{target} quarantined: labels {', '.join(removed) or 'none'} removed (leaves "
            f"Services: {names}{replaced}), labelled {QUARANTINED}=true and kept for debugging"
        ),
    )


SPECS = (
    ActionSpec(
        name="restart_pod",
        description="Delete one pod so that its controller (ReplicaSet, StatefulSet, ...) "
        "starts a fresh one; refused for a pod no controller would recreate.",
        parameters=DeletePodParameters,
        risk=RiskLevel.MEDIUM,
        reversible=False,
        target_kinds=("Pod",),
        planner=_delete_planner("restart_pod", needs_controller=True),
    ),
    ActionSpec(
        name="delete_pod",
        description="Delete one pod (a pod without a controller is gone for good).",
        parameters=DeletePodParameters,
        risk=RiskLevel.MEDIUM,
        reversible=False,
        target_kinds=("Pod",),
        planner=_delete_planner("delete_pod", needs_controller=False),
    ),
    ActionSpec(
        name="quarantine_pod",
        description="Take a misbehaving pod out of its Services and its controller (which "
        "replaces it) and label it kubernaut.io/quarantined=true, keeping it running for "
        "debugging.",
        parameters=QuarantineParameters,
        risk=RiskLevel.MEDIUM,
        reversible=False,
        target_kinds=("Pod",),
        planner=_plan_quarantine,
    ),
)
