"""When a person must approve: low confidence, a risky action, or a policy that asks for
approval of everything. Such a plan is still checked against the API server, so that
what a person approves can run."""

from __future__ import annotations

from safety_support import MakeValidator, access_reviews, check_of, dry_runs, propose

from kubernaut.core.policy import Verdict
from kubernaut.sim.server import Simulator

SCALE_WEB = propose("scale_deployment", "Deployment", "shop", "web", replicas=3)


async def test_low_confidence_needs_approval(
    cluster: Simulator, make_validator: MakeValidator
) -> None:
    validation = await make_validator().validate(SCALE_WEB, confidence=0.62, step_key="k1")

    assert validation.decision.verdict is Verdict.NEEDS_APPROVAL
    assert validation.decision.reasons == [
        "confidence: confidence 0.62 is below approval.minConfidence (0.80)"
    ]
    assert validation.plan is not None
    assert len(access_reviews(cluster)) == len(dry_runs(cluster)) == 1


async def test_the_confidence_threshold_is_the_policys(
    cluster: Simulator, make_validator: MakeValidator
) -> None:
    validator = make_validator(approval={"minConfidence": 0.5})

    validation = await validator.validate(SCALE_WEB, confidence=0.62, step_key="k1")

    assert validation.decision.verdict is Verdict.ALLOW
    assert check_of(validation, "confidence").detail == "confidence 0.62"


async def test_a_confidence_outside_zero_to_one_is_denied(
    cluster: Simulator, make_validator: MakeValidator
) -> None:
    validation = await make_validator().validate(SCALE_WEB, confidence=1.5, step_key="k1")

    assert validation.decision.reasons == ["confidence: confidence 1.5 is not between 0 and 1"]
    assert cluster.request_log.records() == []


async def test_risky_actions_need_approval(
    cluster: Simulator, make_validator: MakeValidator
) -> None:
    drain = propose("drain_node", "Node", "", "node-3")
    high_allowed = make_validator(approval={"riskLevels": ["critical"]})

    default = await make_validator().validate(drain, confidence=0.99, step_key="k1")
    relaxed = await high_allowed.validate(drain, confidence=0.99, step_key="k1")

    assert default.decision.verdict is Verdict.NEEDS_APPROVAL
    assert default.decision.reasons == [
        "risk: drain_node is high risk; approval.riskLevels requires approval"
    ]
    assert relaxed.decision.verdict is Verdict.ALLOW, relaxed.decision.reasons


async def test_approval_can_be_required_for_every_action(
    cluster: Simulator, make_validator: MakeValidator
) -> None:
    validator = make_validator(approval={"requireForAll": True})

    validation = await validator.validate(SCALE_WEB, confidence=0.99, step_key="k1")

    assert validation.decision.verdict is Verdict.NEEDS_APPROVAL
    assert validation.decision.reasons == [
        "risk: approval.requireForAll: every action needs approval"
    ]
