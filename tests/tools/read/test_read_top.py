"""top puts usage next to requests, limits, allocatable and capacity: the maxed-out
HPA's pods run at 120% of their CPU request; the full volume is at 100%."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from read_support import read, staged

from kubernaut.sim.server import Simulator


@pytest.fixture(scope="module")
def hpa_maxed() -> Iterator[Simulator]:
    with staged("hpa-maxed") as sim:
        yield sim


@pytest.fixture(scope="module")
def pvc_full() -> Iterator[Simulator]:
    with staged("pvc-full") as sim:
        yield sim


async def test_pods_against_their_requests_and_limits(hpa_maxed: Simulator) -> None:
    body = await read(hpa_maxed, "top", namespace="shop", label_selector="app=web-api")
    assert body["count"] == 4
    for row in body["rows"]:
        (container,) = row["containers"]
        assert container["cpu"] == "300m (120% of request 250m, 30% of limit 1)"
        assert "of limit 256Mi" in container["memory"]


async def test_crashing_pods_have_no_metrics(oom: Simulator) -> None:
    body = await read(oom, "top", kind="pods", namespace="shop")
    assert body["rows"]
    assert all(row["usage"].startswith("no metrics") for row in body["rows"])


async def test_nodes_against_allocatable(hpa_maxed: Simulator) -> None:
    body = await read(hpa_maxed, "top", kind="nodes")
    rows = {row["node"]: row for row in body["rows"]}
    assert set(rows) == {"control-plane", "worker-1", "worker-2"}
    assert rows["worker-1"]["cpu"].endswith("of allocatable 3800m)")
    assert rows["worker-1"]["memory"].endswith("of allocatable 15Gi)")


async def test_volumes_against_capacity(pvc_full: Simulator) -> None:
    body = await read(pvc_full, "top", kind="pvc", namespace="shop")
    (row,) = body["rows"]
    assert row["pvc"] == "data-postgres-0"
    assert row["usage"] == "10Gi of 10Gi used (100%), 0 available"


async def test_other_kinds_are_explained(oom: Simulator) -> None:
    body = await read(oom, "top", kind="deployments")
    assert body["error"] == "top shows pods, nodes or pvc, not Deployment"
