"""The validate step as the graph uses it: proposals a model must never get through are
denied with reasons before anything reaches the API, and a sound one is allowed with
every check recorded."""

from __future__ import annotations

import pytest
from safety_support import MakeValidator, access_reviews, dry_runs, propose, real_writes

from kubernaut.core.policy import Verdict
from kubernaut.core.recommendation import ProposedAction
from kubernaut.sim.server import Simulator


@pytest.mark.parametrize(
    ("proposal", "reason"),
    [
        (
            propose("delete_namespace", "Namespace", "", "shop"),
            "catalog: delete_namespace is not an action of the catalog",
        ),
        (
            propose("scale_deployment", "Deployment", "kube-system", "coredns", replicas=0),
            "namespace-scope: namespace kube-system is protected",
        ),
        (
            propose("kubectl_exec", "Pod", "shop", "web-0", command="rm -rf /"),
            "catalog: kubectl_exec is not an action of the catalog",
        ),
    ],
    ids=["delete-namespace", "scale-to-zero-in-kube-system", "outside-the-catalog"],
)
async def test_forbidden_proposals_are_denied_before_any_request(
    cluster: Simulator, make_validator: MakeValidator, proposal: ProposedAction, reason: str
) -> None:
    validation = await make_validator().validate(proposal, confidence=0.99, step_key="k1")

    assert validation.decision.verdict is Verdict.DENY
    assert any(r.startswith(reason) for r in validation.decision.reasons), validation.decision
    assert validation.plan is None
    assert cluster.request_log.records() == []


async def test_a_namespace_without_the_opt_in_label_is_denied_with_reads_only(
    cluster: Simulator, make_validator: MakeValidator
) -> None:
    proposal = propose("scale_deployment", "Deployment", "legacy", "api", replicas=2)

    validation = await make_validator().validate(proposal, confidence=0.99, step_key="k1")

    assert validation.decision.verdict is Verdict.DENY
    assert validation.decision.reasons == [
        "opt-in: neither namespace legacy nor Deployment legacy/api carries the opt-in label "
        "kubernaut.io/managed=true (optIn.label); to let Kubernaut act there, run "
        "kubectl label namespace legacy kubernaut.io/managed=true"
    ]
    assert cluster.request_log.writes(include_dry_run=True) == []
    assert {r.method for r in cluster.request_log.records()} == {"GET"}


async def test_a_sound_proposal_is_allowed_after_every_check(
    cluster: Simulator, make_validator: MakeValidator
) -> None:
    proposal = propose("scale_deployment", "Deployment", "shop", "web", replicas=3)

    validation = await make_validator().validate(proposal, confidence=0.95, step_key="k1")

    assert validation.decision.verdict is Verdict.ALLOW, validation.decision.reasons
    assert [check.name for check in validation.decision.checks] == [
        "catalog",
        "allowed",
        "target",
        "namespace-scope",
        "confidence",
        "risk",
        "cooldown",
        "rate",
        "opt-in",
        "parameters",
        "plan",
        "replica-change",
        "scale-to-zero",
        "resource-factor",
        "nodes-drained",
        "pods-affected",
        "oscillation",
        "rbac",
        "dry-run",
    ]
    assert validation.plan is not None
    assert validation.plan.impact.replicas_before == 2
    assert validation.plan.impact.replicas_after == 3
    assert len(access_reviews(cluster)) == len(dry_runs(cluster)) == 1
    assert real_writes(cluster) == []


async def test_bad_parameters_are_denied_naming_the_field(
    cluster: Simulator, make_validator: MakeValidator
) -> None:
    proposal = propose("scale_deployment", "Deployment", "shop", "web", replicas=-1)

    validation = await make_validator().validate(proposal, confidence=0.95, step_key="k1")

    assert validation.decision.verdict is Verdict.DENY
    assert validation.plan is None
    [reason] = validation.decision.reasons
    assert reason.startswith("parameters: ") and "replicas" in reason
    assert cluster.request_log.writes(include_dry_run=True) == []


async def test_a_missing_target_is_denied_by_planning(
    cluster: Simulator, make_validator: MakeValidator
) -> None:
    proposal = propose("scale_deployment", "Deployment", "shop", "ghost", replicas=3)

    validation = await make_validator().validate(proposal, confidence=0.95, step_key="k1")

    assert validation.decision.reasons == ["plan: Deployment shop/ghost does not exist"]
    assert cluster.request_log.writes(include_dry_run=True) == []


async def test_job_templates_of_the_policy_reach_planning(
    cluster: Simulator, make_validator: MakeValidator
) -> None:
    backup = propose("backup_data", "Deployment", "shop", "web")
    template = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "backup"},
        "spec": {
            "template": {
                "spec": {
                    "restartPolicy": "Never",
                    "containers": [{"name": "backup", "image": "registry.example.com/backup:1"}],
                }
            }
        },
    }

    without = await make_validator().validate(backup, confidence=0.95, step_key="k1")
    configured = make_validator(actions={"jobTemplates": {"backup_data": template}})
    validation = await configured.validate(backup, confidence=0.95, step_key="k1")

    [reason] = without.decision.reasons
    assert reason.startswith("plan: backup_data runs a Job that knows your application")
    assert "actions.jobTemplates.backup_data" in reason
    assert validation.decision.verdict is Verdict.ALLOW, validation.decision.reasons
    assert validation.plan is not None
    marker, job = validation.plan.writes  # the step key goes on the target first
    assert marker.body["metadata"]["annotations"]["kubernaut.io/applied-step"] == "k1"
    assert (job.verb, job.kind, job.namespace) == ("create", "Job", "shop")
    assert job.name.endswith("-k1")
    assert [(r.resource, r.dry_run) for r in cluster.request_log.writes(include_dry_run=True)] == [
        ("selfsubjectaccessreviews", False),
        ("selfsubjectaccessreviews", False),
        ("deployments", True),
        ("jobs", True),
    ]
