"""Turning on an application's debug output through an environment variable of one
container in the workload's pod template (``LOG_LEVEL=debug`` by default)."""

from __future__ import annotations

import copy
from typing import Any

from pydantic import Field

from kubernaut.core.actions import RiskLevel
from kubernaut.core.resources import ResourceRef
from kubernaut.tools.actions.parameters import ActionParameters, ContainerName
from kubernaut.tools.actions.targets import Obj, read_target, write_to
from kubernaut.tools.actions.templates import (
    WORKLOAD_KINDS,
    choose_container,
    container_patch,
    rollout_size,
)
from kubernaut.tools.catalog_types import ActionContext, ActionSpec
from kubernaut.tools.plan import ActionPlan, Impact
from kubernaut.tools.redaction import redact_env


class DebugModeParameters(ActionParameters):
    env_name: str = Field(
        default="LOG_LEVEL",
        pattern=r"^[A-Za-z_][A-Za-z0-9_.-]*$",
        description="The environment variable that switches the debug output on.",
    )
    value: str = Field(default="debug", max_length=256, description="Its value.")
    container: ContainerName = None


def _restoring(name: str, old: Obj | None) -> Obj:
    """The env entry of a strategic-merge patch that puts ``old`` back (or removes the
    variable when it did not exist)."""
    if old is None:
        return {"$patch": "delete", "name": name}
    entry: dict[str, Any] = {"name": name, "value": None, "valueFrom": None}
    entry.update({key: value for key, value in old.items() if key != "name"})
    return entry


async def _plan(ctx: ActionContext, target: ResourceRef, params: DebugModeParameters) -> ActionPlan:
    workload = await read_target(ctx, target)
    container = choose_container(workload, target, params.container)
    name = str(container["name"])
    old = next(
        (copy.deepcopy(e) for e in container.get("env") or [] if e.get("name") == params.env_name),
        None,
    )
    shown = "unset" if old is None else redact_env(params.env_name, str(old.get("value", "")))
    if old is not None and "value" not in old:
        shown = "set from a reference"
    change = container_patch(name, env=[{"name": params.env_name, "value": params.value}])
    undo = container_patch(name, env=[_restoring(params.env_name, old)])
    return ActionPlan(
        action="enable_debug_mode",
        target=target,
        parameters=params.model_copy(update={"container": name}).model_dump(),
        writes=[write_to(workload, "patch", change, patch_type="strategic")],
        rollback=[write_to(workload, "patch", undo, patch_type="strategic")],
        pre_state={"container": name, "env": old},
        impact=Impact(pods_affected=rollout_size(workload)),
        summary=(
            f"{params.env_name} of container {name} in {target}: {shown} -> "
            f"{redact_env(params.env_name, params.value)}"
        ),
    )


SPECS = (
    ActionSpec(
        name="enable_debug_mode",
        description="Set an environment variable (LOG_LEVEL=debug by default) on a "
        "container of a workload to get debug output; the pods are replaced by a rollout.",
        parameters=DebugModeParameters,
        risk=RiskLevel.MEDIUM,
        reversible=True,
        target_kinds=WORKLOAD_KINDS,
        planner=_plan,
    ),
)
