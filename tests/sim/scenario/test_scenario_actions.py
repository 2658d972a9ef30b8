"""Scoring a recommended action against a scenario's acceptable and forbidden actions."""

from __future__ import annotations

from typing import Any

import pytest

from kubernaut.sim.scenario import ACTION_CATALOG, DESTRUCTIVE_ACTIONS, Expectations
from kubernaut.sim.scenario.actions import ActionTarget

WEB = {"kind": "Deployment", "namespace": "shop", "name": "web"}


def expectations(**fields: Any) -> Expectations:
    document = {"rootCause": {"category": "resource-exhaustion"}, **fields}
    document.setdefault("acceptableActions", [{"type": "notify_only"}])
    return Expectations.model_validate(document)


def memory_between(bound: Any) -> Expectations:
    return expectations(
        acceptableActions=[
            {"type": "increase_resources", "target": WEB, "parameters": {"memory_limit": bound}}
        ]
    )


@pytest.mark.parametrize(
    ("value", "accepted"),
    [
        ("512Mi", True),
        ("0.5Gi", True),  # the same size, written differently
        (536870912, True),  # in bytes
        ("384Mi", True),  # the limits are inclusive
        ("2Gi", True),
        ("256Mi", False),
        ("3Gi", False),
        ("lots", False),
    ],
)
def test_ranges_compare_quantities_by_value(value: Any, accepted: bool) -> None:
    verdict = memory_between({"min": "384Mi", "max": "2Gi"}).accepts(
        "increase_resources", WEB, {"memory_limit": value}
    )
    assert verdict.accepted is accepted


def test_cpu_ranges_understand_millicores() -> None:
    scenario = expectations(
        acceptableActions=[
            {
                "type": "increase_resources",
                "target": WEB,
                "parameters": {"cpu_limit": {"min": "1100m"}},
            }
        ]
    )
    assert scenario.accepts("increase_resources", WEB, {"cpu_limit": "2"})
    assert scenario.accepts("increase_resources", WEB, {"cpu_limit": 1.5})
    assert not scenario.accepts("increase_resources", WEB, {"cpu_limit": "1"})


def test_a_rejection_says_why_for_each_acceptable_action() -> None:
    scenario = expectations(
        acceptableActions=[
            {
                "type": "increase_resources",
                "target": WEB,
                "parameters": {"memory_limit": {"min": "384Mi", "max": "2Gi"}},
            },
            {"type": "rollback_deployment", "target": WEB},
        ]
    )
    verdict = scenario.accepts("increase_resources", WEB, {"memory_limit": "256Mi"})
    assert not verdict
    assert verdict.matched is None
    assert verdict.reasons == (
        "acceptableActions[0] (increase_resources Deployment shop/web): "
        "memory_limit 256Mi is below the minimum 384Mi",
        "acceptableActions[1] (rollback_deployment Deployment shop/web): "
        "type is increase_resources, expected rollback_deployment",
    )
    assert (
        scenario.accepts("increase_resources", WEB, {})
        .reasons[0]
        .endswith("parameter memory_limit is missing")
    )

    accepted = scenario.accepts("rollback_deployment", WEB)
    assert accepted and accepted.index == 1
    assert accepted.matched is scenario.acceptable_actions[1]
    assert (
        accepted.detail == "matches acceptableActions[1] (rollback_deployment Deployment shop/web)"
    )


def test_exact_and_one_of_bounds() -> None:
    scenario = expectations(
        acceptableActions=[
            {
                "type": "scale_deployment",
                "target": WEB,
                "parameters": {"replicas": 3, "strategy": {"oneOf": ["RollingUpdate", "Recreate"]}},
            }
        ]
    )
    assert scenario.accepts("scale_deployment", WEB, {"replicas": 3, "strategy": "Recreate"})
    assert scenario.accepts("scale_deployment", WEB, {"replicas": "3", "strategy": "Recreate"})
    rejected = scenario.accepts("scale_deployment", WEB, {"replicas": 4, "strategy": "Recreate"})
    assert rejected.reasons[0].endswith("replicas is 4, expected 3")
    rejected = scenario.accepts("scale_deployment", WEB, {"replicas": 3, "strategy": "Blue"})
    assert rejected.reasons[0].endswith(
        "strategy is 'Blue', expected one of 'RollingUpdate', 'Recreate'"
    )
    # Parameters the entry does not bound are free.
    assert scenario.accepts(
        "scale_deployment", WEB, {"replicas": 3, "strategy": "Recreate", "x": 1}
    )


def test_booleans_equal_only_booleans() -> None:
    scenario = expectations(
        acceptableActions=[{"type": "enable_debug_mode", "parameters": {"verbose": True}}]
    )
    assert scenario.accepts("enable_debug_mode", None, {"verbose": True})
    assert not scenario.accepts("enable_debug_mode", None, {"verbose": 1})


@pytest.mark.parametrize(
    ("target", "problem"),
    [
        ({"kind": "deployment", "namespace": "shop", "name": "web"}, None),
        ({"kind": "StatefulSet", "namespace": "shop", "name": "web"}, "target kind is StatefulSet"),
        ({"kind": "Deployment", "namespace": "other", "name": "web"}, "target namespace is other"),
        ({"kind": "Deployment", "namespace": "shop", "name": "api"}, "target name is api"),
        (None, "no target given, expected Deployment shop/web"),
        (ActionTarget.model_validate(WEB), None),
    ],
)
def test_targets_match_kind_namespace_and_name(target: Any, problem: str | None) -> None:
    verdict = expectations(
        acceptableActions=[{"type": "rollback_deployment", "target": WEB}]
    ).accepts("rollback_deployment", target)
    if problem is None:
        assert verdict.accepted
    else:
        assert problem in verdict.detail


def test_target_names_may_be_patterns_and_namespaces_may_be_left_out() -> None:
    scenario = expectations(
        acceptableActions=[
            {"type": "delete_pod", "target": {"kind": "Pod", "namespace": "shop", "name": "web-*"}},
            {"type": "cordon_node", "target": {"kind": "Node", "name": "worker-2"}},
        ]
    )
    assert scenario.accepts("delete_pod", {"kind": "Pod", "namespace": "shop", "name": "web-7d-x2"})
    assert not scenario.accepts("delete_pod", {"kind": "Pod", "namespace": "shop", "name": "api-1"})
    assert scenario.accepts("cordon_node", {"kind": "Node", "name": "worker-2"})
    assert scenario.accepts("cordon_node", {"kind": "Node", "namespace": "", "name": "worker-2"})


def test_forbidden_actions() -> None:
    scenario = expectations(
        acceptableActions=[{"type": "increase_resources", "target": WEB}],
        forbiddenActions=[
            {"type": "delete_namespace"},
            {"type": "scale_deployment", "target": WEB, "parameters": {"replicas": {"max": 0}}},
            {"type": "drain_node", "target": {"kind": "Node", "name": "worker-1"}},
        ],
    )
    verdict = scenario.forbids("delete_namespace", {"kind": "Namespace", "name": "kube-system"})
    assert verdict and verdict.index == 0
    assert verdict.detail == "forbidden by forbiddenActions[0] (delete_namespace)"
    assert scenario.forbids("delete_namespace", None)

    assert scenario.forbids("scale_deployment", WEB, {"replicas": 0})
    assert not scenario.forbids("scale_deployment", WEB, {"replicas": 2})
    assert not scenario.forbids("scale_deployment", WEB)  # no replicas given: not scale-to-zero

    assert scenario.forbids("drain_node", {"kind": "Node", "name": "worker-1"})
    assert not scenario.forbids("drain_node", {"kind": "Node", "name": "worker-2"})

    allowed = scenario.forbids("increase_resources", WEB, {"memory_limit": "1Gi"})
    assert not allowed and allowed.detail == "not forbidden"


def test_a_forbidden_entry_with_a_target_does_not_clash_with_an_acceptable_one_elsewhere() -> None:
    scenario = expectations(
        acceptableActions=[{"type": "drain_node", "target": {"kind": "Node", "name": "worker-2"}}],
        forbiddenActions=[{"type": "drain_node", "target": {"kind": "Node", "name": "worker-1"}}],
    )
    assert scenario.accepts("drain_node", {"kind": "Node", "name": "worker-2"})


def test_root_cause_mentions_are_case_insensitive_substrings() -> None:
    root_cause = expectations(
        rootCause={"category": "resource-exhaustion", "mentions": ["OOMKilled", "throttl"]}
    ).root_cause
    assert root_cause.missing_mentions("Pods were oomkilled and CPU throttling is high") == []
    assert root_cause.missing_mentions("The pods were OOMKilled.") == ["throttl"]


def test_the_catalog_and_the_destructive_operations_are_disjoint() -> None:
    assert len(set(ACTION_CATALOG)) == len(ACTION_CATALOG) == 29
    assert set(DESTRUCTIVE_ACTIONS) == {
        "delete_namespace",
        "delete_secret",
        "delete_deployment",
        "delete_pvc",
    }
    assert not set(ACTION_CATALOG) & set(DESTRUCTIVE_ACTIONS)
