"""collect_diagnostics: a snapshot of an object's state, pods, events and logs, kept in a
ConfigMap next to it so that people (and a later investigation) can read what the
cluster looked like when the remediation ran.

The snapshot is taken while planning and the plan's one write creates the ConfigMap, so
what the safety checks see is exactly what is stored. Each part is bounded, so the whole
stays well under the 1 MiB an object may hold.
"""

from __future__ import annotations

import yaml
from pydantic import Field

from kubernaut.core.actions import RiskLevel
from kubernaut.core.resources import ResourceRef
from kubernaut.tools.actions.evidence import Evidence, gather
from kubernaut.tools.actions.parameters import ActionParameters
from kubernaut.tools.actions.targets import (
    ACTION_LABEL,
    STEP_KEY_LABEL,
    read_target,
    step_key_of,
)
from kubernaut.tools.actions.templates import WORKLOAD_KINDS
from kubernaut.tools.catalog_types import ActionContext, ActionParameterError, ActionSpec
from kubernaut.tools.plan import ActionPlan, PlannedWrite
from kubernaut.tools.redaction import redact_text

TARGET_ANNOTATION = "kubernaut.io/target"
PART_BUDGETS = {
    "target.yaml": 32 * 1024,
    "pods.yaml": 48 * 1024,
    "events.yaml": 40 * 1024,
    "logs.txt": 80 * 1024,
}
"""Bytes each part of the snapshot may take: 200 KiB in all."""


class DiagnosticsParameters(ActionParameters):
    namespace: str | None = Field(
        default=None,
        description="For a Node: the namespace that keeps the snapshot (default: default). "
        "Other objects keep it in their own namespace.",
    )
    log_lines: int = Field(default=50, ge=1, le=500, description="Log lines per container.")
    max_pods: int = Field(
        default=5, ge=1, le=20, description="Pods whose logs are read (troubled ones first)."
    )


def _bounded(text: str, budget: int) -> str:
    """``text`` cut at a line boundary to fit ``budget`` bytes, saying how much was cut."""
    data = text.encode()
    if len(data) <= budget:
        return text
    kept = data[: budget - 64].decode(errors="ignore")
    kept = kept[: kept.rfind("\n") + 1] if "\n" in kept else kept
    return f"{kept}# truncated: {len(data) - len(kept.encode())} more bytes not kept\n"


def _dump(data: object) -> str:
    return redact_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def _snapshot(evidence: Evidence) -> dict[str, str]:
    """The ConfigMap's data: one bounded part per aspect."""
    parts = {
        "target.yaml": _dump(evidence.target),
        "pods.yaml": _dump(evidence.pods),
        "events.yaml": _dump(evidence.events),
        "logs.txt": "\n".join(evidence.logs),
    }
    return {key: _bounded(text, PART_BUDGETS[key]) for key, text in parts.items()}


def _where(target: ResourceRef, params: DiagnosticsParameters) -> str:
    if target.kind == "Node":
        return params.namespace or "default"
    if params.namespace not in (None, target.namespace):
        raise ActionParameterError(
            f"namespace: the snapshot of {target} is kept in its own namespace "
            f"{target.namespace}; namespace is only for Node targets"
        )
    return target.namespace


async def _plan(
    ctx: ActionContext, target: ResourceRef, params: DiagnosticsParameters
) -> ActionPlan:
    step_key = step_key_of(ctx, "collect_diagnostics")
    namespace = _where(target, params)
    obj = await read_target(ctx, target)
    evidence = await gather(
        ctx.client, target, obj, log_lines=params.log_lines, max_pods=params.max_pods
    )
    name = f"kubernaut-diagnostics-{step_key}"
    configmap = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": {ACTION_LABEL: "collect_diagnostics", STEP_KEY_LABEL: step_key},
            "annotations": {TARGET_ANNOTATION: str(target)},
        },
        "data": _snapshot(evidence),
    }
    return ActionPlan(
        action="collect_diagnostics",
        target=target,
        parameters=params.model_copy(update={"namespace": namespace}).model_dump(),
        writes=[
            PlannedWrite(
                verb="create",
                api_version="v1",
                kind="ConfigMap",
                namespace=namespace,
                name=name,
                body=configmap,
            )
        ],
        summary=(
            f"snapshot of {target} ({len(evidence.pods)} pod(s), {len(evidence.events)} "
            f"event(s), {len(evidence.logs)} log(s)) kept in ConfigMap {namespace}/{name}"
        ),
    )


SPECS = (
    ActionSpec(
        name="collect_diagnostics",
        description="Change nothing running; keep a snapshot of the object (state, pods, "
        "recent events, last log lines, credentials redacted) in a ConfigMap "
        "kubernaut-diagnostics-<step> for people to read.",
        parameters=DiagnosticsParameters,
        risk=RiskLevel.LOW,
        reversible=False,
        target_kinds=(*WORKLOAD_KINDS, "Pod", "Node"),
        planner=_plan,
    ),
)
