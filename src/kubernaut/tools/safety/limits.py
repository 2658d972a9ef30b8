"""Blast-radius limits on a plan: how many replicas change, whether a workload goes to
zero, how much a resource grows, how many nodes end up drained, how many pods move."""

from __future__ import annotations

from kubernaut.core.policy import PolicyCheck
from kubernaut.kube import KubeClient
from kubernaut.tools.plan import ActionPlan, Impact
from kubernaut.tools.safety.checks import CheckName, allow, deny
from kubernaut.tools.safety.policy import LimitsPolicy


async def limit_checks(
    client: KubeClient, policy: LimitsPolicy, plan: ActionPlan
) -> list[PolicyCheck]:
    impact = plan.impact
    return [
        replica_change_check(policy, impact),
        scale_to_zero_check(policy, impact),
        resource_factor_check(policy, impact),
        await nodes_drained_check(client, policy, plan),
        pods_affected_check(policy, impact),
    ]


def replica_change_check(policy: LimitsPolicy, impact: Impact) -> PolicyCheck:
    before, after = impact.replicas_before, impact.replicas_after
    if before is None or after is None:
        return allow(CheckName.REPLICA_CHANGE, "changes no replica count")
    change = abs(after - before)
    if change > policy.max_replica_change:
        return deny(
            CheckName.REPLICA_CHANGE,
            f"{before} -> {after} replicas changes {change}, more than "
            f"limits.maxReplicaChange ({policy.max_replica_change})",
        )
    return allow(CheckName.REPLICA_CHANGE, f"{before} -> {after} replicas")


def scale_to_zero_check(policy: LimitsPolicy, impact: Impact) -> PolicyCheck:
    if impact.replicas_after != 0:
        return allow(CheckName.SCALE_TO_ZERO, "does not scale to zero")
    if not policy.allow_scale_to_zero:
        return deny(
            CheckName.SCALE_TO_ZERO,
            "scale to 0 replicas is not allowed (limits.allowScaleToZero)",
        )
    return allow(CheckName.SCALE_TO_ZERO, "scales to 0 replicas (limits.allowScaleToZero)")


def resource_factor_check(policy: LimitsPolicy, impact: Impact) -> PolicyCheck:
    factor = impact.resource_factor
    if factor is None:
        return allow(CheckName.RESOURCE_FACTOR, "raises no CPU or memory value")
    if factor > policy.max_resource_factor:
        return deny(
            CheckName.RESOURCE_FACTOR,
            f"raises a CPU or memory value {factor:g}x, more than "
            f"limits.maxResourceFactor ({policy.max_resource_factor:g}x)",
        )
    return allow(CheckName.RESOURCE_FACTOR, f"raises CPU or memory at most {factor:g}x")


async def nodes_drained_check(
    client: KubeClient, policy: LimitsPolicy, plan: ActionPlan
) -> PolicyCheck:
    """Nodes the plan drains, plus nodes already unschedulable other than its target:
    draining a second node while one is out of service halves capacity twice."""
    drained = plan.impact.nodes_drained
    if drained == 0:
        return allow(CheckName.NODES_DRAINED, "drains no node")
    target_node = plan.target.name if plan.target.kind == "Node" else ""
    already = sorted(
        node["metadata"]["name"]
        for node in await client.list("v1", "Node", None)
        if (node.get("spec") or {}).get("unschedulable") and node["metadata"]["name"] != target_node
    )
    total = drained + len(already)
    detail = f"{total} node(s) drained afterwards"
    if already:
        detail += f" ({', '.join(already)} already unschedulable)"
    if total > policy.max_nodes_drained:
        return deny(
            CheckName.NODES_DRAINED,
            f"{detail}, more than limits.maxNodesDrained ({policy.max_nodes_drained})",
        )
    return allow(CheckName.NODES_DRAINED, detail)


def pods_affected_check(policy: LimitsPolicy, impact: Impact) -> PolicyCheck:
    pods = impact.pods_affected
    if pods > policy.max_pods_affected:
        return deny(
            CheckName.PODS_AFFECTED,
            f"affects {pods} pods, more than limits.maxPodsAffected ({policy.max_pods_affected})",
        )
    return allow(CheckName.PODS_AFFECTED, f"affects {pods} pod(s)")
