"""Moving a workload's pods off a node: a required node-affinity term that excludes it,
merged with the affinity the pod template already has."""

from __future__ import annotations

import copy
from typing import Any

from pydantic import Field

from kubernaut.core.actions import RiskLevel
from kubernaut.core.resources import ResourceRef
from kubernaut.tools.actions.parameters import ActionParameters
from kubernaut.tools.actions.targets import Obj, labels_of, read_target, write_to
from kubernaut.tools.actions.templates import pod_spec, rollout_size
from kubernaut.tools.catalog_types import ActionContext, ActionParameterError, ActionSpec
from kubernaut.tools.plan import ActionPlan, Impact

HOSTNAME = "kubernetes.io/hostname"
_PATH = ("affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution")


class MigrateParameters(ActionParameters):
    avoid_node: str = Field(min_length=1, description="The node the pods must leave.")


def _excluding(terms: list[Obj], hostname: str) -> list[Obj]:
    """``terms`` (any one of which admits a node) each also requiring a hostname other
    than ``hostname``; a single such term when there were none."""
    avoid = {"key": HOSTNAME, "operator": "NotIn", "values": [hostname]}
    if not terms:
        return [{"matchExpressions": [avoid]}]
    updated = []
    for term in terms:
        term = copy.deepcopy(term)
        expressions = term.setdefault("matchExpressions", [])
        if avoid not in expressions:
            expressions.append(avoid)
        updated.append(term)
    return updated


def _nested(path: tuple[str, ...], leaf: Any) -> Obj:
    result: Any = leaf
    for key in reversed(path):
        result = {key: result}
    return dict(result)


def _restore(spec: Obj) -> Obj:
    """A merge patch of the pod spec putting the required node affinity back as it is in
    ``spec``: the old terms, or removing the outermost part that did not exist."""
    current: Any = spec
    for depth, key in enumerate(_PATH):
        if key not in current:
            return _nested(_PATH[:depth], {key: None})
        current = current[key]
    return _nested(_PATH, {"nodeSelectorTerms": current.get("nodeSelectorTerms")})


async def _plan(ctx: ActionContext, target: ResourceRef, params: MigrateParameters) -> ActionPlan:
    workload = await read_target(ctx, target)
    node = await ctx.client.get("v1", "Node", None, params.avoid_node)
    if node is None:
        raise ActionParameterError(f"avoid_node: there is no Node named {params.avoid_node!r}")
    hostname = labels_of(node).get(HOSTNAME, params.avoid_node)
    spec = pod_spec(workload)
    required: Obj = spec
    for key in _PATH:
        required = required.get(key) or {}
    terms = _excluding(list(required.get("nodeSelectorTerms") or []), hostname)

    def template_patch(pod_spec_patch: Obj) -> Obj:
        return {"spec": {"template": {"spec": pod_spec_patch}}}

    change = _nested(_PATH, {"nodeSelectorTerms": terms})
    return ActionPlan(
        action="migrate_workload",
        target=target,
        parameters=params.model_dump(),
        writes=[write_to(workload, "patch", template_patch(change))],
        rollback=[write_to(workload, "patch", template_patch(_restore(spec)))],
        pre_state={"affinity": copy.deepcopy(spec.get("affinity"))},
        impact=Impact(pods_affected=rollout_size(workload)),
        summary=f"pods of {target} rescheduled away from node {params.avoid_node} "
        f"(required node affinity {HOSTNAME} NotIn [{hostname}])",
    )


SPECS = (
    ActionSpec(
        name="migrate_workload",
        description="Move a workload's pods off a node (a failing or overloaded one) by "
        "adding a required node affinity that excludes it; the pods are replaced by a "
        "rollout.",
        parameters=MigrateParameters,
        risk=RiskLevel.MEDIUM,
        reversible=True,
        target_kinds=("Deployment", "StatefulSet"),
        planner=_plan,
    ),
)
