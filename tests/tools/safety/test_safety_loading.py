"""The policy file: safe defaults, the shipped example, and errors that name the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubernaut.core.actions import RiskLevel
from kubernaut.tools.catalog import CATALOG
from kubernaut.tools.safety import (
    POLICY_FILE_ENV,
    PolicyError,
    SafetyPolicy,
    load_policy,
    policy_path_from_environment,
)

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "deploy" / "policy.example.yaml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(text)
    return path


def test_no_file_means_the_safe_defaults() -> None:
    policy = load_policy(None)

    assert set(policy.actions.allowed) == set(CATALOG)
    assert policy.actions.denied == []
    assert policy.namespaces.protected == [
        "kube-system",
        "kube-public",
        "kube-node-lease",
        "kubernaut-system",
    ]
    assert (policy.opt_in.label, policy.opt_in.required) == ("kubernaut.io/managed=true", True)
    assert policy.limits.max_replica_change == 10
    assert policy.limits.allow_scale_to_zero is False
    assert policy.limits.max_resource_factor == 4.0
    assert policy.limits.max_nodes_drained == 1
    assert policy.limits.max_pods_affected == 20
    assert policy.cooldown.seconds == 300
    assert policy.cooldown.oscillation.window == 1800
    assert (policy.rate.max_actions, policy.rate.window_seconds) == (10, 600)
    assert policy.approval.min_confidence == 0.8
    assert policy.approval.risk_levels == [RiskLevel.HIGH, RiskLevel.CRITICAL]
    assert policy.approval.require_for_all is False


def test_the_shipped_example_is_exactly_the_defaults() -> None:
    assert load_policy(EXAMPLE) == SafetyPolicy()


def test_an_empty_file_is_the_defaults_and_a_partial_one_keeps_the_rest(
    tmp_path: Path,
) -> None:
    partial = load_policy(write(tmp_path, "limits:\n  maxReplicaChange: 3\n"))

    assert load_policy(write(tmp_path, "")) == SafetyPolicy()
    assert partial.limits.max_replica_change == 3
    assert partial.limits.max_pods_affected == 20
    assert partial.namespaces == SafetyPolicy().namespaces


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "limits:\n  maxReplicaChange: ten\n",
            "policy.yaml: limits.maxReplicaChange: Input should be a valid integer",
        ),
        (
            "limits:\n  maxReplicaChanges: 3\n",
            "policy.yaml: limits.maxReplicaChanges: unknown field (did you mean maxReplicaChange?)",
        ),
        ("optin:\n  required: false\n", "policy.yaml: optin: unknown field (did you mean optIn?)"),
        (
            "rate:\n  burst: 3\n",
            "policy.yaml: rate.burst: unknown field (fields here: maxActions, windowSeconds)",
        ),
        (
            "actions:\n  denied: [drain_node, delete_namespace]\n",
            "policy.yaml: actions.denied: delete_namespace: not an action of the catalog",
        ),
        (
            "approval:\n  riskLevels: [high, severe]\n",
            "policy.yaml: approval.riskLevels[1]: Input should be 'low', 'medium', 'high' or",
        ),
        (
            "approval:\n  minConfidence: 1.5\n",
            "policy.yaml: approval.minConfidence: Input should be less than or equal to 1",
        ),
        (
            "actions:\n  jobTemplates:\n    backup_data: {apiVersion: v1, kind: Pod}\n",
            "policy.yaml: actions.jobTemplates: backup_data: a template must be a manifest "
            "of a batch/v1 Job",
        ),
        ("optIn:\n  label: '=true'\n", "policy.yaml: optIn.label: write the label as key=value"),
        (
            "dryRun: false\n",
            "policy.yaml: dryRun: the server-side dry run before every real write is always on",
        ),
        ("accessReview: {enabled: false}\n", "policy.yaml: accessReview: the SelfSubject"),
        ("- limits\n", "policy.yaml: the policy must be a mapping of sections"),
        ("limits: [\n", "policy.yaml: not valid YAML"),
    ],
)
def test_a_bad_file_is_refused_naming_the_field_and_what_to_do(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(PolicyError) as raised:
        load_policy(write(tmp_path, text))

    assert message in str(raised.value).replace(str(tmp_path) + "/", "")
    assert str(raised.value).endswith(
        "Fix the policy file (docs/policy.md describes every field), "
        "or unset KUBERNAUT_POLICY_FILE to run with the safe defaults."
    )


def test_every_error_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    text = "limits:\n  maxPodsAffected: -1\nrate:\n  windowSeconds: 0\n"

    with pytest.raises(PolicyError) as raised:
        load_policy(write(tmp_path, text))

    lines = str(raised.value).splitlines()
    assert lines[0].endswith(
        "policy.yaml: limits.maxPodsAffected: Input should be greater than or equal to 0"
    )
    assert lines[1].endswith(
        "policy.yaml: rate.windowSeconds: Input should be greater than or equal to 1"
    )


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read the policy file: No such file"):
        load_policy(tmp_path / "nowhere.yaml")


def test_the_environment_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "cooldown:\n  seconds: 60\n")
    monkeypatch.delenv(POLICY_FILE_ENV, raising=False)
    unset = policy_path_from_environment()
    monkeypatch.setenv(POLICY_FILE_ENV, str(path))

    assert unset is None
    assert POLICY_FILE_ENV == "KUBERNAUT_POLICY_FILE"
    assert load_policy(policy_path_from_environment()).cooldown.seconds == 60


def test_python_names_are_accepted_too() -> None:
    policy = SafetyPolicy.model_validate({"opt_in": {"required": False}})

    assert policy.opt_in.required is False
