"""Blast-radius limits, measured on the plan of what would really change."""

from __future__ import annotations

from safety_support import MakeValidator, propose

from kubernaut.core.policy import Verdict
from kubernaut.kube import KubeClient
from kubernaut.sim.server import Simulator


async def test_a_replica_change_above_the_limit_is_denied(
    cluster: Simulator, make_validator: MakeValidator
) -> None:
    validator = make_validator()
    web = "Deployment", "shop", "web"

    too_many = await validator.validate(
        propose("scale_deployment", *web, replicas=13), confidence=0.95, step_key="k1"
    )
    at_limit = await validator.validate(
        propose("scale_deployment", *web, replicas=12), confidence=0.95, step_key="k2"
    )

    assert too_many.decision.reasons == [
        "replica-change: 2 -> 13 replicas changes 11, more than limits.maxReplicaChange (10)"
    ]
    assert at_limit.decision.verdict is Verdict.ALLOW, at_limit.decision.reasons


async def test_scale_to_zero_needs_the_policy_to_allow_it(
    cluster: Simulator, make_validator: MakeValidator
) -> None:
    to_zero = propose("scale_deployment", "Deployment", "shop", "web", replicas=0)

    denied = await make_validator().validate(to_zero, confidence=0.95, step_key="k1")
    sent_for_the_denial = cluster.request_log.writes(include_dry_run=True)
    allowed = await make_validator(limits={"allowScaleToZero": True}).validate(
        to_zero, confidence=0.95, step_key="k1"
    )

    assert denied.decision.reasons == [
        "scale-to-zero: scale to 0 replicas is not allowed (limits.allowScaleToZero)"
    ]
    assert sent_for_the_denial == []
    assert allowed.decision.verdict is Verdict.ALLOW, allowed.decision.reasons


async def test_a_resource_raised_beyond_the_factor_is_denied(
    cluster: Simulator, make_validator: MakeValidator
) -> None:
    validator = make_validator()
    web = "Deployment", "shop", "web"

    eightfold = await validator.validate(
        propose("increase_resources", *web, memory_limit="2Gi"), confidence=0.95, step_key="k1"
    )
    twofold = await validator.validate(
        propose("increase_resources", *web, memory_limit="512Mi"), confidence=0.95, step_key="k2"
    )

    assert eightfold.decision.reasons == [
        "resource-factor: raises a CPU or memory value 8x, more than limits.maxResourceFactor (4x)"
    ]
    assert twofold.decision.verdict is Verdict.ALLOW, twofold.decision.reasons


async def test_nodes_already_unschedulable_count_against_the_drain_limit(
    cluster: Simulator, kube: KubeClient, make_validator: MakeValidator
) -> None:
    await kube.patch("v1", "Node", None, "node-1", {"spec": {"unschedulable": True}})
    drain = propose("drain_node", "Node", "", "node-3")

    one = await make_validator().validate(drain, confidence=0.95, step_key="k1")
    two = await make_validator(limits={"maxNodesDrained": 2}).validate(
        drain, confidence=0.95, step_key="k1"
    )

    assert one.decision.verdict is Verdict.DENY
    assert one.decision.reasons == [
        "risk: drain_node is high risk; approval.riskLevels requires approval",
        "nodes-drained: 2 node(s) drained afterwards (node-1 already unschedulable), "
        "more than limits.maxNodesDrained (1)",
    ]
    assert two.decision.verdict is Verdict.NEEDS_APPROVAL, two.decision.reasons


async def test_too_many_pods_affected_is_denied(
    cluster: Simulator, make_validator: MakeValidator
) -> None:
    drain = propose("drain_node", "Node", "", "node-3")

    validation = await make_validator(limits={"maxPodsAffected": 1}).validate(
        drain, confidence=0.95, step_key="k1"
    )

    assert "pods-affected: affects 2 pods, more than limits.maxPodsAffected (1)" in (
        validation.decision.reasons
    )
    assert validation.decision.verdict is Verdict.DENY
    assert cluster.request_log.writes(include_dry_run=True) == []
