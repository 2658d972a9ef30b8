"""events tells what the kubelet, scheduler and controllers reported, oldest first and
newest last, for one object or a namespace."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from read_support import read, staged

from kubernaut.sim.server import Simulator


@pytest.fixture(scope="module")
def disk_pressure() -> Iterator[Simulator]:
    with staged("node-disk-pressure") as sim:
        yield sim


async def test_a_namespace_newest_last(oom: Simulator) -> None:
    body = await read(oom, "events", namespace="shop")
    times = [event["last"] for event in body["events"]]
    assert times == sorted(times)
    assert body["count"] == len(body["events"])
    first = body["events"][0]
    assert set(first) >= {"type", "reason", "object", "count", "last", "message"}


async def test_warnings_of_one_pod(oom: Simulator) -> None:
    pods = await read(oom, "get_resources", kind="pods", namespace="shop")
    pod = pods["items"][0]["name"]
    body = await read(oom, "events", namespace="shop", kind="pod", name=pod, warnings_only=True)
    assert body["object"] == f"Pod {pod}"
    assert body["events"], "a crash-looping pod has warnings"
    for event in body["events"]:
        assert event["type"] == "Warning"
        assert event["object"] == f"Pod/{pod}"
    back_off = next(event for event in body["events"] if event["reason"] == "BackOff")
    assert back_off["message"].startswith("Back-off restarting failed container checkout")
    assert back_off["count"] >= 2


async def test_the_limit_keeps_the_newest(oom: Simulator) -> None:
    everything = await read(oom, "events", namespace="shop", limit=200)
    newest = await read(oom, "events", namespace="shop", limit=3)
    assert newest["events"] == everything["events"][-3:]
    assert newest["older_not_shown"] == everything["count"] - 3


async def test_node_events_are_found_in_any_namespace(disk_pressure: Simulator) -> None:
    body = await read(disk_pressure, "events", namespace="", kind="Node", name="worker-2")
    reasons = {event["reason"]: event for event in body["events"]}
    assert "ephemeral-storage" in reasons["EvictionThresholdMet"]["message"]
    assert reasons["EvictionThresholdMet"]["type"] == "Warning"


async def test_evictions_show_in_the_namespace(disk_pressure: Simulator) -> None:
    body = await read(disk_pressure, "events", namespace="shop", warnings_only=True)
    evicted = [event for event in body["events"] if event["reason"] == "Evicted"]
    assert evicted
    assert "The node was low on resource" in evicted[0]["message"]
