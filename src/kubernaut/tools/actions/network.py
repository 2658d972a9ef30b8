"""Changing a NetworkPolicy: a fragment of its spec merged in (JSON merge patch), undone by
putting the whole old spec back."""

from __future__ import annotations

import copy
from typing import Any

from pydantic import Field, field_validator

from kubernaut.core.actions import RiskLevel
from kubernaut.core.resources import ResourceRef
from kubernaut.tools.actions.parameters import ActionParameters
from kubernaut.tools.actions.targets import read_target, write_to
from kubernaut.tools.catalog_types import ActionContext, ActionSpec
from kubernaut.tools.plan import ActionPlan, Impact

SPEC_FIELDS = ("podSelector", "policyTypes", "ingress", "egress")


class NetworkPolicyParameters(ActionParameters):
    spec: dict[str, Any] = Field(
        description="A NetworkPolicy spec fragment merged into the current spec (JSON merge "
        "patch: maps merge, lists such as ingress and egress are replaced whole, null "
        f"removes a field); fields: {', '.join(SPEC_FIELDS)}."
    )

    @field_validator("spec")
    @classmethod
    def _known_fields(cls, spec: dict[str, Any]) -> dict[str, Any]:
        if not spec:
            raise ValueError("the fragment is empty: say which fields of the spec to change")
        unknown = sorted(set(spec) - set(SPEC_FIELDS))
        if unknown:
            raise ValueError(
                f"{', '.join(unknown)} not a NetworkPolicy spec field "
                f"(fields: {', '.join(SPEC_FIELDS)})"
            )
        return spec


async def _plan(
    ctx: ActionContext, target: ResourceRef, params: NetworkPolicyParameters
) -> ActionPlan:
    policy = await read_target(ctx, target)
    old_spec = copy.deepcopy(policy.get("spec") or {})
    restore = [{"op": "replace", "path": "/spec", "value": old_spec}]
    return ActionPlan(
        action="update_network_policy",
        target=target,
        parameters=params.model_dump(),
        writes=[write_to(policy, "patch", {"spec": params.spec})],
        rollback=[write_to(policy, "patch", restore, patch_type="json")],
        pre_state={"spec": old_spec},
        impact=Impact(),
        summary=f"{target}: spec fields {', '.join(sorted(params.spec))} changed",
    )


SPECS = (
    ActionSpec(
        name="update_network_policy",
        description="Change a NetworkPolicy (e.g. allow the traffic a wrong rule blocks) by "
        "merging a fragment into its spec.",
        parameters=NetworkPolicyParameters,
        risk=RiskLevel.HIGH,
        reversible=True,
        target_kinds=("NetworkPolicy",),
        planner=_plan,
    ),
)
