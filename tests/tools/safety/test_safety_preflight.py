"""What the validate step asks the API server: one access review and one server-side dry
run per write of the plan, never a real write; either one refusing denies."""

from __future__ import annotations

from safety_support import (
    MakeValidator,
    access_reviews,
    check_of,
    dry_runs,
    propose,
    real_writes,
)

from kubernaut.core.policy import Verdict
from kubernaut.kube import KubeClient
from kubernaut.sim.server import Simulator
from kubernaut.tools.apply import send_write

SCALE_WEB = propose("scale_deployment", "Deployment", "shop", "web", replicas=3)


async def test_every_write_is_reviewed_and_dry_run_once(
    cluster: Simulator, kube: KubeClient, make_validator: MakeValidator
) -> None:
    drain = propose("drain_node", "Node", "", "node-3")

    validation = await make_validator().validate(drain, confidence=0.99, step_key="k1")

    assert validation.plan is not None
    writes = validation.plan.writes
    assert [w.verb for w in writes] == ["patch", "evict", "evict"]
    reviews = access_reviews(cluster)
    assert len(reviews) == len(writes)
    assert [(r.method, r.resource, r.subresource) for r in dry_runs(cluster)] == [
        ("PATCH", "nodes", ""),
        ("POST", "pods", "eviction"),
        ("POST", "pods", "eviction"),
    ]
    assert real_writes(cluster) == []
    still_there = await kube.list("v1", "Pod", "shop", field_selector="spec.nodeName=node-3")
    assert len(still_there) == 2


async def test_a_step_validated_again_after_it_ran_is_still_allowed(
    cluster: Simulator, kube: KubeClient, make_validator: MakeValidator
) -> None:
    notify = propose("notify_only", "Deployment", "shop", "web", message="scaled up")
    first = await make_validator().validate(notify, confidence=0.99, step_key="k1")
    assert first.plan is not None
    for write in first.plan.writes:
        await send_write(kube, write)

    again = await make_validator().validate(notify, confidence=0.99, step_key="k1")

    assert again.decision.verdict is Verdict.ALLOW, again.decision.reasons
    # the Event, and the marker patch recording the step key on the target
    assert check_of(again, "dry-run").detail == ("the server accepted 2 write(s) in a dry run")
    assert len(real_writes(cluster)) == 2


async def test_an_rbac_refusal_denies_without_a_dry_run(
    cluster: Simulator, make_validator: MakeValidator
) -> None:
    cluster.call(lambda c: c.access.deny("patch", "deployments", namespace="shop"))

    validation = await make_validator().validate(SCALE_WEB, confidence=0.99, step_key="k1")

    assert validation.decision.verdict is Verdict.DENY
    assert validation.decision.reasons == [
        "rbac: may not patch deployments.apps in namespace shop (patch Deployment shop/web): "
        "matched a simulator access rule"
    ]
    assert len(access_reviews(cluster)) == 1
    assert dry_runs(cluster) == []


async def test_an_access_review_that_fails_denies(
    cluster: Simulator, make_validator: MakeValidator
) -> None:
    cluster.call(lambda c: c.access.deny("create", "selfsubjectaccessreviews"))

    validation = await make_validator().validate(SCALE_WEB, confidence=0.99, step_key="k1")

    [reason] = validation.decision.reasons
    assert reason.startswith("rbac: the access review for patch Deployment shop/web failed: ")
    assert "403 Forbidden" in reason
    assert dry_runs(cluster) == []


async def test_a_write_the_server_rejects_in_the_dry_run_denies(
    cluster: Simulator, make_validator: MakeValidator
) -> None:
    cluster.apply([budget("web", min_available=2)])
    drain = propose("drain_node", "Node", "", "node-3")

    validation = await make_validator().validate(drain, confidence=0.99, step_key="k1")

    assert validation.decision.verdict is Verdict.DENY
    [reason] = [r for r in validation.decision.reasons if r.startswith("dry-run")]
    assert reason.startswith("dry-run: the server rejected evict Pod shop/web-")
    assert "429" in reason and "disruption budget" in reason
    assert real_writes(cluster) == []


def budget(app: str, *, min_available: int) -> dict[str, object]:
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": app, "namespace": "shop"},
        "spec": {"minAvailable": min_available, "selector": {"matchLabels": {"app": app}}},
    }
