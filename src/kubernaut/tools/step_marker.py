"""Recording a step's idempotency key on its target, as part of the plan.

The key goes into the target's annotation ``kubernaut.io/applied-step`` (and the action
into ``kubernaut.io/applied-action``), in the first write of the plan when that write
patches the target, otherwise in a marker patch put first. Because the marker is part
of the plan, validation reviews and dry-runs it like every other write, and the
executor recognises an applied step by reading the target.
"""

from __future__ import annotations

from typing import Any

from kubernaut.tools.plan import ActionPlan, PlannedWrite

STEP_ANNOTATION = "kubernaut.io/applied-step"
ACTION_ANNOTATION = "kubernaut.io/applied-action"


def rollback_key(key: str) -> str:
    return f"{key}-rollback"


def mark_plan(plan: ActionPlan, key: str) -> ActionPlan:
    """``plan`` with its writes marked with ``key`` and its rollback writes with
    :func:`rollback_key` of it."""
    update: dict[str, Any] = {"writes": _marked(plan, plan.writes, key)}
    if plan.rollback:
        update["rollback"] = _marked(plan, plan.rollback, rollback_key(key))
    return plan.model_copy(update=update)


def is_target(write: PlannedWrite, plan: ActionPlan) -> bool:
    target = plan.target
    return (write.kind, write.namespace, write.name) == (
        target.kind,
        target.namespace,
        target.name,
    )


def _marked(plan: ActionPlan, writes: list[PlannedWrite], key: str) -> list[PlannedWrite]:
    stamp = {STEP_ANNOTATION: key, ACTION_ANNOTATION: plan.action}
    first = writes[0] if writes else None
    if (
        first is not None
        and first.verb == "patch"
        and first.patch_type != "json"
        and is_target(first, plan)
        and isinstance(first.body, dict)
    ):
        body: dict[str, Any] = dict(first.body)
        metadata = dict(body.get("metadata") or {})
        metadata["annotations"] = {**(metadata.get("annotations") or {}), **stamp}
        body["metadata"] = metadata
        return [first.model_copy(update={"body": body}), *writes[1:]]
    marker = PlannedWrite(
        verb="patch",
        api_version=first.api_version if first is not None and is_target(first, plan) else "",
        kind=plan.target.kind,
        namespace=plan.target.namespace,
        name=plan.target.name,
        body={"metadata": {"annotations": stamp}},
    )
    return [marker, *writes]
