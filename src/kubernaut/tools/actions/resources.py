"""Setting a container's CPU and memory requests and limits in a workload's pod template."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import Field, model_validator

from kubernaut.core.actions import RiskLevel
from kubernaut.core.quantity import parse_quantity
from kubernaut.core.resources import ResourceRef
from kubernaut.tools.actions.parameters import ActionParameters, ContainerName, Quantity
from kubernaut.tools.actions.targets import read_target, write_to
from kubernaut.tools.actions.templates import (
    WORKLOAD_KINDS,
    choose_container,
    container_patch,
    rollout_size,
)
from kubernaut.tools.catalog_types import ActionContext, ActionParameterError, ActionSpec
from kubernaut.tools.plan import ActionPlan, Impact

_FIELDS = {
    "memory_limit": ("limits", "memory"),
    "memory_request": ("requests", "memory"),
    "cpu_limit": ("limits", "cpu"),
    "cpu_request": ("requests", "cpu"),
}


class ResourceParameters(ActionParameters):
    container: ContainerName = None
    memory_limit: Quantity | None = Field(
        default=None, description="New memory limit, e.g. 512Mi (above the working set)."
    )
    memory_request: Quantity | None = Field(
        default=None, description="New memory request, e.g. 256Mi (what scheduling reserves)."
    )
    cpu_limit: Quantity | None = Field(default=None, description="New CPU limit, e.g. 1500m.")
    cpu_request: Quantity | None = Field(default=None, description="New CPU request, e.g. 500m.")

    @model_validator(mode="after")
    def _something_to_set(self) -> ResourceParameters:
        if all(getattr(self, name) is None for name in _FIELDS):
            raise ValueError(f"give at least one of {', '.join(_FIELDS)}")
        return self


def _check_requests_within_limits(
    container: str, resources: dict[str, dict[str, Any]], params: ResourceParameters
) -> None:
    """A request above its limit is invalid: say which parameter to change."""
    for resource in ("memory", "cpu"):
        request = resources.get("requests", {}).get(resource)
        limit = resources.get("limits", {}).get(resource)
        if request is None or limit is None:
            continue
        if parse_quantity(request) > parse_quantity(limit):
            blamed = (
                f"{resource}_request" if getattr(params, f"{resource}_request") else None
            ) or f"{resource}_limit"
            raise ActionParameterError(
                f"{blamed}: container {container} would request {request} of {resource} "
                f"with a limit of {limit}; a request cannot exceed its limit: keep "
                f"{resource}_limit at or above {resource}_request (give both to change both)"
            )


async def _plan(ctx: ActionContext, target: ResourceRef, params: ResourceParameters) -> ActionPlan:
    obj = await read_target(ctx, target)
    container = choose_container(obj, target, params.container)
    name = str(container["name"])
    current: dict[str, dict[str, Any]] = {
        section: dict((container.get("resources") or {}).get(section) or {})
        for section in ("limits", "requests")
    }
    merged = {section: dict(values) for section, values in current.items()}
    change: dict[str, dict[str, Any]] = {}
    undo: dict[str, dict[str, Any]] = {}
    factors: list[Decimal] = []
    parts = []
    for field, (section, resource) in _FIELDS.items():
        value = getattr(params, field)
        if value is None:
            continue
        old = current[section].get(resource)
        merged[section][resource] = value
        change.setdefault(section, {})[resource] = value
        undo.setdefault(section, {})[resource] = old
        if old is not None and parse_quantity(old) > 0:
            factors.append(parse_quantity(value) / parse_quantity(old))
        parts.append(f"{resource} {section[:-1]} of container {name}: {old or 'unset'} -> {value}")
    _check_requests_within_limits(name, merged, params)
    raised = [factor for factor in factors if factor > 1]
    return ActionPlan(
        action="increase_resources",
        target=target,
        parameters=params.model_copy(update={"container": name}).model_dump(exclude_none=True),
        writes=[
            write_to(obj, "patch", container_patch(name, resources=change), patch_type="strategic")
        ],
        rollback=[
            write_to(obj, "patch", container_patch(name, resources=undo), patch_type="strategic")
        ],
        pre_state={"container": name, "resources": current},
        impact=Impact(
            pods_affected=rollout_size(obj),
            resource_factor=float(max(raised)) if raised else None,
        ),
        summary="; ".join(parts),
    )


SPECS = (
    ActionSpec(
        name="increase_resources",
        description="Set a container's CPU/memory requests or limits in a workload's pod "
        "template (absolute values, at least one of memory_limit, memory_request, cpu_limit, "
        "cpu_request); the pods are replaced by a rollout. Also lowers a request that keeps "
        "pods from being scheduled.",
        parameters=ResourceParameters,
        risk=RiskLevel.MEDIUM,
        reversible=True,
        target_kinds=WORKLOAD_KINDS,
        planner=_plan,
    ),
)
