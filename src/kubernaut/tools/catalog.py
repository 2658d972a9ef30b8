"""The action catalog: every remediation Kubernaut can take, and planning one.

Planning validates the parameters against the action's schema, checks the target, then
reads the cluster and returns the :class:`~kubernaut.tools.plan.ActionPlan`: the exact
writes, how to undo them, and what they touch. Planning never writes; the safety checks
and the executor work from the plan.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from kubernaut.core.resources import ResourceRef
from kubernaut.kube import KubeError
from kubernaut.kube.resources import DEFAULT_API_VERSIONS
from kubernaut.tools.actions import (
    debug_mode,
    diagnostics,
    jobs,
    network,
    nodes,
    notify,
    placement,
    pods,
    resources,
    restarts,
    rollback,
    scaling,
    storage,
)
from kubernaut.tools.actions.schema_text import parameter_lines
from kubernaut.tools.actions.targets import ANY_KIND
from kubernaut.tools.catalog_types import (
    ActionContext,
    ActionParameterError,
    ActionSpec,
    ActionUnavailable,
    UnknownAction,
)
from kubernaut.tools.plan import ActionPlan


def _by_name(families: Iterable[tuple[ActionSpec, ...]]) -> dict[str, ActionSpec]:
    return {spec.name: spec for family in families for spec in family}


CATALOG: dict[str, ActionSpec] = _by_name(
    (
        scaling.SPECS,
        resources.SPECS,
        restarts.SPECS,
        rollback.SPECS,
        placement.SPECS,
        pods.SPECS,
        nodes.SPECS,
        storage.SPECS,
        network.SPECS,
        debug_mode.SPECS,
        diagnostics.SPECS,
        notify.SPECS,
        jobs.SPECS,
    )
)
"""Every action by name, grouped by family (workloads, pods, nodes, storage, network,
diagnostics, Job-template actions)."""


def get_action(name: str) -> ActionSpec:
    spec = CATALOG.get(name)
    if spec is not None:
        return spec
    close = difflib.get_close_matches(name, CATALOG, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise UnknownAction(f"{name!r} is not an action of the catalog{hint}")


async def plan_action(
    ctx: ActionContext, action: str, target: ResourceRef, parameters: dict[str, Any]
) -> ActionPlan:
    """The plan of ``action`` on ``target``: UnknownAction, ActionParameterError (naming
    each bad field) or ActionUnavailable (wrong kind, missing target, nothing configured,
    ...) when it cannot be planned; KubeError when the cluster cannot be read."""
    spec = get_action(action)
    validated = _validated(spec, parameters)
    where = await _checked_target(ctx, spec, target)
    return await spec.planner(ctx, where, validated)


def _validated(spec: ActionSpec, parameters: Any) -> Any:
    if not isinstance(parameters, dict):
        raise ActionParameterError(
            f"{spec.name}: parameters must be a mapping of name to value, "
            f"not {type(parameters).__name__}"
        )
    try:
        return spec.parameters.model_validate(parameters)
    except ValidationError as error:
        raise ActionParameterError(_parameter_problems(spec, error)) from None


def _parameter_problems(spec: ActionSpec, error: ValidationError) -> str:
    names = ", ".join(spec.parameters.model_fields) or "none"
    problems = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"])
        message = str(item["msg"]).removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            problems.append(f"{where}: not a parameter of {spec.name} (parameters: {names})")
        elif item["type"] == "missing":
            problems.append(f"{where}: required")
        elif not where:
            problems.append(message)
        elif item["type"] != "value_error" and isinstance(item.get("input"), str | int | float):
            problems.append(f"{where}: {message} (got {item['input']!r})")
        else:
            problems.append(f"{where}: {message}")
    return f"{spec.name}: " + "; ".join(problems)


def _canonical_kind(spec: ActionSpec, kind: str) -> str:
    accepted = spec.target_kinds
    if ANY_KIND in accepted:
        known = (k for k in DEFAULT_API_VERSIONS if k.lower() == kind.lower())
        return next(known, kind)
    for candidate in accepted:
        if candidate.lower() == kind.lower():
            return candidate
    raise ActionUnavailable(f"{spec.name} acts on {' or '.join(accepted)}, not on {kind}")


async def _checked_target(ctx: ActionContext, spec: ActionSpec, target: ResourceRef) -> ResourceRef:
    """``target`` with its kind spelt as the catalog spells it and its namespace as the
    kind's scope needs (dropped for cluster-scoped kinds, required otherwise)."""
    kind = _canonical_kind(spec, target.kind)
    try:
        resource = await ctx.client.resource("", kind)
    except KubeError:
        raise ActionUnavailable(f"{kind} is not a kind the cluster serves") from None
    if resource.namespaced and not target.namespace:
        raise ActionUnavailable(f"{kind} {target.name} needs a namespace")
    namespace = target.namespace if resource.namespaced else ""
    return ResourceRef(kind=kind, namespace=namespace, name=target.name)


def catalog_for_prompt() -> str:
    """The catalog as compact text for a model's prompt: per action its name, target
    kinds, risk, whether it can be undone, what it does, and its parameters."""
    blocks = []
    for spec in CATALOG.values():
        kinds = "any kind" if ANY_KIND in spec.target_kinds else ", ".join(spec.target_kinds)
        undo = "reversible" if spec.reversible else "not reversible"
        lines = [f"{spec.name} (targets: {kinds}; risk: {spec.risk.value}; {undo})"]
        lines.append(f"  {spec.description}")
        lines.extend(f"  - {line}" for line in parameter_lines(spec.parameters))
        if not spec.parameters.model_fields:
            lines.append("  - no parameters")
        blocks.append("\n".join(lines))
    return "\n".join(blocks)
