"""Node actions: cordon and uncordon (``spec.unschedulable``), and drain (cordon, then
evict the node's pods through the Eviction API, which honours PodDisruptionBudgets)."""

from __future__ import annotations

from pydantic import Field

from kubernaut.core.actions import RiskLevel
from kubernaut.core.resources import ResourceRef
from kubernaut.tools.actions.parameters import ActionParameters
from kubernaut.tools.actions.targets import (
    MIRROR_POD,
    Obj,
    annotations_of,
    controller_of,
    read_target,
    write_to,
)
from kubernaut.tools.catalog_types import ActionContext, ActionSpec, ActionUnavailable, Planner
from kubernaut.tools.plan import ActionPlan, Impact, PlannedWrite

_LISTED = 10


class NodeParameters(ActionParameters):
    """No parameters."""


class DrainParameters(ActionParameters):
    ignore_daemonsets: bool = Field(
        default=True,
        description="Leave DaemonSet pods in place (their controller ignores cordons); "
        "false refuses to drain a node that runs any.",
    )
    force: bool = Field(
        default=False,
        description="Also evict pods that no controller recreates (they are gone for good).",
    )


def _schedulability(unschedulable: bool) -> Obj:
    """The patch that cordons (True) or uncordons (False) a node, as kubectl writes it."""
    return {"spec": {"unschedulable": True if unschedulable else None}}


def _is_cordoned(node: Obj) -> bool:
    return bool((node.get("spec") or {}).get("unschedulable"))


def _schedulability_planner(action: str, *, cordon: bool) -> Planner:
    async def plan(ctx: ActionContext, target: ResourceRef, params: NodeParameters) -> ActionPlan:
        node = await read_target(ctx, target)
        was = _is_cordoned(node)
        state = "unschedulable" if cordon else "schedulable"
        before = "unschedulable" if was else "schedulable"
        return ActionPlan(
            action=action,
            target=target,
            parameters=params.model_dump(),
            writes=[write_to(node, "patch", _schedulability(cordon))],
            rollback=[write_to(node, "patch", _schedulability(was))],
            pre_state={"unschedulable": was},
            summary=f"{target}: {before} -> {state}",
        )

    return plan


def _named(pods: list[Obj]) -> str:
    names = [f"{p['metadata']['namespace']}/{p['metadata']['name']}" for p in pods]
    more = f" and {len(names) - _LISTED} more" if len(names) > _LISTED else ""
    return ", ".join(names[:_LISTED]) + more


async def _pods_to_evict(
    ctx: ActionContext, target: ResourceRef, params: DrainParameters
) -> list[Obj]:
    """The pods a drain evicts, in namespace/name order; ActionUnavailable when some pod
    blocks the drain under ``params``."""
    on_node = await ctx.client.list(
        "v1", "Pod", None, field_selector=f"spec.nodeName={target.name}"
    )
    live = [
        pod
        for pod in on_node
        if not pod["metadata"].get("deletionTimestamp")
        and (pod.get("status") or {}).get("phase") not in ("Succeeded", "Failed")
        and MIRROR_POD not in annotations_of(pod)
    ]
    live.sort(key=lambda p: (p["metadata"]["namespace"], p["metadata"]["name"]))
    daemons = [p for p in live if (controller_of(p) or {}).get("kind") == "DaemonSet"]
    if daemons and not params.ignore_daemonsets:
        raise ActionUnavailable(
            f"{target} runs DaemonSet pods ({_named(daemons)}), which a drain cannot move: "
            "set ignore_daemonsets to true to leave them in place"
        )
    evicted = [p for p in live if p not in daemons]
    unmanaged = [p for p in evicted if controller_of(p) is None]
    if unmanaged and not params.force:
        raise ActionUnavailable(
            f"{target} runs pods no controller would recreate ({_named(unmanaged)}): "
            "set force to true to evict them anyway, or move them first"
        )
    return evicted


async def _plan_drain(
    ctx: ActionContext, target: ResourceRef, params: DrainParameters
) -> ActionPlan:
    node = await read_target(ctx, target)
    was = _is_cordoned(node)
    pods = await _pods_to_evict(ctx, target, params)
    evictions = [
        PlannedWrite(
            verb="evict",
            api_version="v1",
            kind="Pod",
            namespace=pod["metadata"]["namespace"],
            name=pod["metadata"]["name"],
        )
        for pod in pods
    ]
    return ActionPlan(
        action="drain_node",
        target=target,
        parameters=params.model_dump(),
        writes=[write_to(node, "patch", _schedulability(True)), *evictions],
        rollback=[] if was else [write_to(node, "patch", _schedulability(False))],
        pre_state={
            "unschedulable": was,
            "pods": [f"{p['metadata']['namespace']}/{p['metadata']['name']}" for p in pods],
        },
        impact=Impact(pods_affected=len(pods), nodes_drained=1),
        summary=f"{target} cordoned and {len(pods)} pod(s) evicted"
        + (f": {_named(pods)}" if pods else ""),
    )


SPECS = (
    ActionSpec(
        name="cordon_node",
        description="Mark a node unschedulable: no new pods land on it; running pods stay.",
        parameters=NodeParameters,
        risk=RiskLevel.LOW,
        reversible=True,
        target_kinds=("Node",),
        planner=_schedulability_planner("cordon_node", cordon=True),
    ),
    ActionSpec(
        name="uncordon_node",
        description="Mark a node schedulable again after it was cordoned or drained.",
        parameters=NodeParameters,
        risk=RiskLevel.LOW,
        reversible=True,
        target_kinds=("Node",),
        planner=_schedulability_planner("uncordon_node", cordon=False),
    ),
    ActionSpec(
        name="drain_node",
        description="Cordon a node and evict its pods (except DaemonSet and static pods) "
        "through the Eviction API, which honours PodDisruptionBudgets; their controllers "
        "recreate them on other nodes.",
        parameters=DrainParameters,
        risk=RiskLevel.HIGH,
        reversible=True,
        target_kinds=("Node",),
        planner=_plan_drain,
    ),
)
