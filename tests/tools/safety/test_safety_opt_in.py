"""The opt-in label: Kubernaut acts only in namespaces (or on objects) labelled for it."""

from __future__ import annotations

from safety_support import MakeValidator, check_of, propose

from kubernaut.core.policy import Verdict
from kubernaut.sim.server import Simulator


async def test_an_object_carrying_the_label_opts_in_by_itself(
    cluster: Simulator, make_validator: MakeValidator
) -> None:
    proposal = propose("scale_deployment", "Deployment", "legacy", "billing", replicas=2)

    validation = await make_validator().validate(proposal, confidence=0.95, step_key="k1")

    assert validation.decision.verdict is Verdict.ALLOW, validation.decision.reasons
    assert (
        check_of(validation, "opt-in").detail
        == "Deployment legacy/billing carries kubernaut.io/managed=true"
    )


async def test_the_label_can_be_another_one_or_not_required(
    cluster: Simulator, make_validator: MakeValidator
) -> None:
    api = propose("scale_deployment", "Deployment", "legacy", "api", replicas=2)
    web = propose("scale_deployment", "Deployment", "shop", "web", replicas=3)
    any_name = make_validator(optIn={"label": "kubernetes.io/metadata.name"})
    other_value = make_validator(optIn={"label": "kubernaut.io/managed=yes"})
    not_required = make_validator(optIn={"required": False})

    by_bare_key = await any_name.validate(api, confidence=0.95, step_key="k1")
    wrong_value = await other_value.validate(web, confidence=0.95, step_key="k1")
    unlabelled = await not_required.validate(api, confidence=0.95, step_key="k1")

    assert by_bare_key.decision.verdict is Verdict.ALLOW, by_bare_key.decision.reasons
    assert wrong_value.decision.verdict is Verdict.DENY
    assert check_of(wrong_value, "opt-in").detail.startswith(
        "neither namespace shop nor Deployment shop/web carries the opt-in label "
        "kubernaut.io/managed=yes"
    )
    assert unlabelled.decision.verdict is Verdict.ALLOW
    assert check_of(unlabelled, "opt-in").detail == "not required (optIn.required is false)"


async def test_a_namespace_that_does_not_exist_is_not_opted_in(
    cluster: Simulator, make_validator: MakeValidator
) -> None:
    proposal = propose("restart_deployment", "Deployment", "nowhere", "web")

    validation = await make_validator().validate(proposal, confidence=0.95, step_key="k1")

    assert validation.decision.reasons == ["opt-in: namespace nowhere does not exist"]


async def test_a_node_is_exempt_but_the_pods_a_drain_evicts_are_not(
    cluster: Simulator, make_validator: MakeValidator
) -> None:
    validator = make_validator()
    cordon = propose("cordon_node", "Node", "", "node-2")
    drain_legacy = propose("drain_node", "Node", "", "node-2")
    drain_shop = propose("drain_node", "Node", "", "node-3")

    cordoned = await validator.validate(cordon, confidence=0.95, step_key="k1")
    legacy = await validator.validate(drain_legacy, confidence=0.95, step_key="k2")
    shop = await validator.validate(drain_shop, confidence=0.95, step_key="k3")

    assert cordoned.decision.verdict is Verdict.ALLOW, cordoned.decision.reasons
    assert check_of(cordoned, "opt-in").detail.startswith("Node node-2 is cluster-scoped: exempt")
    assert legacy.decision.verdict is Verdict.DENY
    assert check_of(legacy, "opt-in").detail.startswith(
        "the plan changes objects in namespaces without the opt-in label "
        "kubernaut.io/managed=true: legacy (e.g. evict Pod legacy/"
    )
    assert check_of(shop, "opt-in").verdict is Verdict.ALLOW
    assert shop.decision.verdict is Verdict.NEEDS_APPROVAL, shop.decision.reasons
