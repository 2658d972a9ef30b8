"""Which actions, on which targets, in which namespaces: checks that need no request."""

from __future__ import annotations

from safety_support import MakeValidator, check_of, propose

from kubernaut.core.policy import Verdict
from kubernaut.sim.server import Simulator

SCALE_WEB = propose("scale_deployment", "Deployment", "shop", "web", replicas=3)


async def test_a_denied_action_is_refused_even_when_allowed(
    cluster: Simulator, make_validator: MakeValidator
) -> None:
    validator = make_validator(actions={"denied": ["scale_deployment"]})

    validation = await validator.validate(SCALE_WEB, confidence=0.95, step_key="k1")

    assert validation.decision.reasons == ["allowed: scale_deployment is in actions.denied"]
    assert cluster.request_log.records() == []


async def test_only_the_allowed_actions_may_run(
    cluster: Simulator, make_validator: MakeValidator
) -> None:
    validator = make_validator(actions={"allowed": ["notify_only", "scale_deployment"]})
    restart = propose("restart_deployment", "Deployment", "shop", "web")

    denied = await validator.validate(restart, confidence=0.95, step_key="k1")
    allowed = await validator.validate(SCALE_WEB, confidence=0.95, step_key="k2")

    assert denied.decision.reasons == ["allowed: restart_deployment is not in actions.allowed"]
    assert allowed.decision.verdict is Verdict.ALLOW


async def test_a_target_of_another_kind_is_refused(
    cluster: Simulator, make_validator: MakeValidator
) -> None:
    proposal = propose("scale_statefulset", "Deployment", "shop", "web", replicas=3)

    validation = await make_validator().validate(proposal, confidence=0.95, step_key="k1")

    assert validation.decision.reasons == [
        "target: scale_statefulset acts on StatefulSet, not on Deployment"
    ]
    assert cluster.request_log.records() == []


async def test_a_kind_in_another_case_is_the_catalogs_kind(
    cluster: Simulator, make_validator: MakeValidator
) -> None:
    proposal = propose("scale_deployment", "deployment", "shop", "web", replicas=3)

    validation = await make_validator().validate(proposal, confidence=0.95, step_key="k1")

    assert validation.decision.verdict is Verdict.ALLOW, validation.decision.reasons
    assert check_of(validation, "target").detail == "scale_deployment acts on Deployment shop/web"
    assert validation.plan is not None
    assert validation.plan.target.kind == "Deployment"


async def test_a_namespaced_target_needs_its_namespace(
    cluster: Simulator, make_validator: MakeValidator
) -> None:
    proposal = propose("scale_deployment", "Deployment", "", "web", replicas=3)

    validation = await make_validator().validate(proposal, confidence=0.95, step_key="k1")

    assert validation.decision.reasons == ["target: Deployment web needs a namespace"]


async def test_namespace_allow_and_deny_lists_take_patterns(
    cluster: Simulator, make_validator: MakeValidator
) -> None:
    only_teams = make_validator(namespaces={"allow": ["team-*"]})
    no_shop = make_validator(namespaces={"deny": ["sh*"]})
    shop_allowed = make_validator(namespaces={"allow": ["team-*", "shop"]})

    outside = await only_teams.validate(SCALE_WEB, confidence=0.95, step_key="k1")
    denied = await no_shop.validate(SCALE_WEB, confidence=0.95, step_key="k1")
    allowed = await shop_allowed.validate(SCALE_WEB, confidence=0.95, step_key="k1")

    assert outside.decision.reasons == [
        "namespace-scope: namespace shop is not in namespaces.allow: Deployment shop/web"
    ]
    assert denied.decision.reasons == [
        "namespace-scope: namespace shop is in namespaces.deny: Deployment shop/web"
    ]
    assert allowed.decision.verdict is Verdict.ALLOW


async def test_a_drain_that_would_evict_a_pod_of_a_protected_namespace_is_denied(
    cluster: Simulator, make_validator: MakeValidator
) -> None:
    drain = propose("drain_node", "Node", "", "node-1")

    validation = await make_validator().validate(drain, confidence=0.95, step_key="k1")

    assert validation.decision.verdict is Verdict.DENY
    [reason] = [r for r in validation.decision.reasons if r.startswith("namespace-scope")]
    assert reason.startswith(
        "namespace-scope: namespace kube-system is protected (namespaces.protected): "
        "evict Pod kube-system/coredns-"
    )
    assert validation.plan is not None
    assert cluster.request_log.writes(include_dry_run=True) == []


async def test_the_protected_list_is_the_policys_to_change(
    cluster: Simulator, make_validator: MakeValidator
) -> None:
    validator = make_validator(namespaces={"protected": ["kube-*"]}, optIn={"required": False})
    in_kubernaut_system = propose("notify_only", "Deployment", "kubernaut-system", "x")
    in_kube_public = propose("notify_only", "Deployment", "kube-public", "x")

    kubernaut_system = await validator.validate(in_kubernaut_system, confidence=1, step_key="k")
    kube_public = await validator.validate(in_kube_public, confidence=1, step_key="k")

    assert "namespace-scope" not in " ".join(kubernaut_system.decision.reasons)
    assert kube_public.decision.reasons == [
        "namespace-scope: namespace kube-public is protected (namespaces.protected): "
        "Deployment kube-public/x"
    ]
