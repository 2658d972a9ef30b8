"""Rollout arithmetic: surge/unavailability rounding, the pace of a rolling update, hashes."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubernaut.sim.controllers.workloads.hashing import short_hash
from kubernaut.sim.controllers.workloads.replicaset import deletion_order
from kubernaut.sim.controllers.workloads.rollout import (
    fenceposts,
    int_or_percent,
    max_unavailable,
    new_replica_set_size,
    old_scale_down,
    old_scale_down_budget,
    spec_replicas,
    unhealthy_cleanup,
)
from kubernaut.sim.objects import Obj


def deployment(replicas: int, surge: Any = "25%", unavailable: Any = "25%") -> Obj:
    return {
        "metadata": {"name": "web", "generation": 1},
        "spec": {
            "replicas": replicas,
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": surge, "maxUnavailable": unavailable},
            },
        },
    }


def replica_set(name: str, replicas: int, available: int, created: str) -> Obj:
    return {
        "metadata": {"name": name, "creationTimestamp": created},
        "spec": {"replicas": replicas},
        "status": {"replicas": replicas, "availableReplicas": available},
    }


@pytest.mark.parametrize(
    ("value", "total", "round_up", "expected"),
    [
        ("25%", 3, True, 1),
        ("25%", 3, False, 0),
        ("25%", 10, True, 3),
        ("25%", 10, False, 2),
        ("50%", 5, True, 3),
        ("100%", 7, False, 7),
        (2, 10, True, 2),
        ("4", 10, False, 4),
        (None, 10, True, 0),
    ],
)
def test_int_or_percent_rounds_like_kubernetes(
    value: Any, total: int, round_up: bool, expected: int
) -> None:
    assert int_or_percent(value, total, round_up=round_up) == expected


def test_zero_surge_and_zero_unavailable_still_allow_progress() -> None:
    assert fenceposts(deployment(3, 0, 0)) == (0, 1)
    assert fenceposts(deployment(3)) == (1, 0)
    assert max_unavailable(deployment(2, 0, 5)) == 2


def test_new_replica_set_grows_by_the_surge_budget() -> None:
    web = deployment(10)  # surge 3
    old = replica_set("web-old", 10, 10, "2024-01-01T00:00:00Z")
    assert new_replica_set_size(web, [old, None], None) == 3
    assert new_replica_set_size(web, [old, None], None) == 3
    recreate = {**web, "spec": {**web["spec"], "strategy": {"type": "Recreate"}}}
    assert new_replica_set_size(recreate, [old, None], None) == 10


def test_unhealthy_old_replicas_go_first_oldest_set_first() -> None:
    older = replica_set("web-a", 3, 1, "2024-01-01T00:00:00Z")
    newer = replica_set("web-b", 2, 0, "2024-01-02T00:00:00Z")
    plan = unhealthy_cleanup([newer, older], 3)
    assert [(rs["metadata"]["name"], size) for rs, size in plan] == [("web-a", 1), ("web-b", 1)]


@settings(max_examples=200, deadline=None)
@given(
    replicas=st.integers(min_value=1, max_value=30),
    surge=st.one_of(st.integers(0, 5), st.sampled_from(["0%", "10%", "25%", "50%", "100%"])),
    unavailable=st.one_of(st.integers(0, 5), st.sampled_from(["0%", "10%", "25%", "50%"])),
)
def test_a_rolling_update_respects_its_budgets_and_finishes(
    replicas: int, surge: Any, unavailable: Any
) -> None:
    """Replay the controller's steps with pods that become available at once."""
    web = deployment(replicas, surge, unavailable)
    max_surge, max_unavailable_pods = fenceposts(web)
    old = replica_set("web-old", replicas, replicas, "2024-01-01T00:00:00Z")
    new = replica_set("web-new", 0, 0, "2024-01-02T00:00:00Z")
    for _ in range(4 * replicas + 10):
        if spec_replicas(new) == replicas and spec_replicas(old) == 0:
            break
        new = _resize(new, new_replica_set_size(web, [old, new], new))
        budget = old_scale_down_budget(web, [old, new], new)
        if budget > 0:
            for _, size in unhealthy_cleanup([old], budget):
                old = _resize(old, size)
            for _, size in old_scale_down(web, [old, new], [old]):
                old = _resize(old, size)
        total = spec_replicas(old) + spec_replicas(new)
        assert total <= replicas + max_surge
        assert total >= replicas - max_unavailable_pods
        # pods come up before the next sync
        new["status"]["availableReplicas"] = spec_replicas(new)
    assert (spec_replicas(old), spec_replicas(new)) == (0, replicas)


def _resize(rs: Obj, size: int) -> Obj:
    available = min(rs["status"]["availableReplicas"], size)
    return {
        **rs,
        "spec": {"replicas": size},
        "status": {"replicas": size, "availableReplicas": available},
    }


def test_template_hash_is_stable_and_salted_by_collisions() -> None:
    template = {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "a"}]}}
    reordered = {"spec": {"containers": [{"name": "a"}]}, "metadata": {"labels": {"app": "web"}}}
    assert short_hash(template) == short_hash(reordered)
    assert short_hash(template) != short_hash(template, 1)
    assert short_hash(template, 0) == short_hash(template)
    assert set(short_hash(template)) <= set("bcdfghjklmnpqrstvwxz2456789")


def _pod(
    name: str, *, node: str = "n1", phase: str = "Running", ready: bool = True, **meta: Any
) -> Obj:
    return {
        "metadata": {"name": name, "creationTimestamp": "2024-01-01T00:00:00Z", **meta},
        "spec": {"nodeName": node} if node else {},
        "status": {
            "phase": phase,
            "conditions": [
                {
                    "type": "Ready",
                    "status": "True" if ready else "False",
                    "lastTransitionTime": "2024-01-01T00:00:10Z",
                }
            ],
        },
    }


def test_scale_down_removes_the_least_useful_pods_first() -> None:
    pods = [
        _pod("old-ready"),
        _pod("newer-ready", creationTimestamp="2024-01-02T00:00:00Z"),
        _pod("not-ready", ready=False),
        _pod("pending", phase="Pending", ready=False),
        _pod("unscheduled", node="", phase="Pending", ready=False),
    ]
    assert [p["metadata"]["name"] for p in deletion_order(pods)] == [
        "unscheduled",
        "pending",
        "not-ready",
        "newer-ready",
        "old-ready",
    ]
