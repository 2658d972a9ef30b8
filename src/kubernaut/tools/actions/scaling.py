"""Changing how many replicas run: a Deployment's or StatefulSet's replica count, and the
bounds of a HorizontalPodAutoscaler."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from kubernaut.core.actions import RiskLevel
from kubernaut.core.resources import ResourceRef
from kubernaut.kube import KubeApiError
from kubernaut.tools.actions.parameters import ActionParameters
from kubernaut.tools.actions.targets import Obj, read_target, write_to
from kubernaut.tools.catalog_types import (
    ActionContext,
    ActionParameterError,
    ActionSpec,
    Planner,
)
from kubernaut.tools.plan import ActionPlan, Impact


class ScaleParameters(ActionParameters):
    replicas: int = Field(ge=0, description="How many replicas to run.")


class HpaParameters(ActionParameters):
    min_replicas: int | None = Field(
        default=None, ge=1, description="The autoscaler's new lower bound."
    )
    max_replicas: int | None = Field(
        default=None, ge=1, description="The autoscaler's new upper bound."
    )

    @model_validator(mode="after")
    def _one_bound(self) -> HpaParameters:
        if self.min_replicas is None and self.max_replicas is None:
            raise ValueError("give min_replicas, max_replicas or both")
        return self


def _replica_planner(action: str) -> Planner:
    async def plan(ctx: ActionContext, target: ResourceRef, params: ScaleParameters) -> ActionPlan:
        obj = await read_target(ctx, target)
        spec_replicas = (obj.get("spec") or {}).get("replicas")
        before = 1 if spec_replicas is None else int(spec_replicas)
        after = params.replicas
        note = await _autoscaler_note(ctx, target)
        return ActionPlan(
            action=action,
            target=target,
            parameters=params.model_dump(),
            writes=[write_to(obj, "patch", {"spec": {"replicas": after}})],
            rollback=[write_to(obj, "patch", {"spec": {"replicas": before}})],
            pre_state={"replicas": before},
            impact=Impact(
                pods_affected=max(before - after, 0),
                replicas_before=before,
                replicas_after=after,
            ),
            summary=f"replicas of {target}: {before} -> {after}{note}",
        )

    return plan


async def _autoscaler_note(ctx: ActionContext, target: ResourceRef) -> str:
    """A warning when an autoscaler owns the replica count and will undo the change."""
    try:
        autoscalers = await ctx.client.list("", "HorizontalPodAutoscaler", target.namespace)
    except KubeApiError:
        return ""  # only a warning: not being allowed to read autoscalers blocks nothing
    for hpa in autoscalers:
        ref = (hpa.get("spec") or {}).get("scaleTargetRef") or {}
        if ref.get("kind") == target.kind and ref.get("name") == target.name:
            name = hpa["metadata"]["name"]
            return (
                f" (HorizontalPodAutoscaler {name} manages these replicas and may change them "
                "back: consider update_hpa)"
            )
    return ""


async def _plan_hpa(ctx: ActionContext, target: ResourceRef, params: HpaParameters) -> ActionPlan:
    hpa = await read_target(ctx, target)
    spec: Obj = hpa.get("spec") or {}
    old_min = spec.get("minReplicas")
    old_max = int(spec.get("maxReplicas") or 1)
    new_min = params.min_replicas if params.min_replicas is not None else int(old_min or 1)
    new_max = params.max_replicas if params.max_replicas is not None else old_max
    if new_min > new_max:
        field = "min_replicas" if params.min_replicas is not None else "max_replicas"
        raise ActionParameterError(
            f"{field}: the autoscaler would have minReplicas {new_min} above maxReplicas "
            f"{new_max}; give both bounds so that min_replicas <= max_replicas"
        )
    change: dict[str, Any] = {}
    undo: dict[str, Any] = {}
    parts = []
    if params.min_replicas is not None:
        change["minReplicas"], undo["minReplicas"] = new_min, old_min
        parts.append(f"minReplicas {old_min or 1} -> {new_min}")
    if params.max_replicas is not None:
        change["maxReplicas"], undo["maxReplicas"] = new_max, old_max
        parts.append(f"maxReplicas {old_max} -> {new_max}")
    current = int((hpa.get("status") or {}).get("currentReplicas") or 0)
    bound_before, bound_after = (
        (old_max, new_max) if params.max_replicas is not None else (int(old_min or 1), new_min)
    )
    return ActionPlan(
        action="update_hpa",
        target=target,
        parameters={"min_replicas": new_min, "max_replicas": new_max},
        writes=[write_to(hpa, "patch", {"spec": change})],
        rollback=[write_to(hpa, "patch", {"spec": undo})],
        pre_state={"minReplicas": old_min, "maxReplicas": old_max, "currentReplicas": current},
        impact=Impact(
            pods_affected=max(current - new_max, 0),
            replicas_before=bound_before,
            replicas_after=bound_after,
        ),
        summary=f"{target}: {', '.join(parts)} (now running {current})",
    )


SPECS = (
    ActionSpec(
        name="scale_deployment",
        description="Set the number of replicas of a Deployment.",
        parameters=ScaleParameters,
        risk=RiskLevel.MEDIUM,
        reversible=True,
        target_kinds=("Deployment",),
        planner=_replica_planner("scale_deployment"),
    ),
    ActionSpec(
        name="scale_statefulset",
        description="Set the number of replicas of a StatefulSet (ordinals are added or "
        "removed from the highest).",
        parameters=ScaleParameters,
        risk=RiskLevel.MEDIUM,
        reversible=True,
        target_kinds=("StatefulSet",),
        planner=_replica_planner("scale_statefulset"),
    ),
    ActionSpec(
        name="update_hpa",
        description="Change the replica bounds of a HorizontalPodAutoscaler (min_replicas, "
        "max_replicas or both), e.g. raise the maximum when it is scaling-limited under load.",
        parameters=HpaParameters,
        risk=RiskLevel.MEDIUM,
        reversible=True,
        target_kinds=("HorizontalPodAutoscaler",),
        planner=_plan_hpa,
    ),
)
