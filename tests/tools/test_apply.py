"""send_write: each verb through the Kubernetes API, dry runs that change nothing, and
writes to objects that are already gone."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from kubernaut.kube import KubeApiError, KubeClient
from kubernaut.sim.server import Simulator
from kubernaut.tools.apply import send_write
from kubernaut.tools.plan import PlannedWrite

CONFIGMAP = {
    "apiVersion": "v1",
    "kind": "ConfigMap",
    "metadata": {"name": "settings", "namespace": "default"},
    "data": {"mode": "a"},
}
POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "worker", "namespace": "default"},
    "spec": {"nodeName": "node-1", "containers": [{"name": "worker", "image": "busybox:1.36"}]},
}


def _write(
    verb: str, kind: str = "ConfigMap", name: str = "settings", **fields: object
) -> PlannedWrite:
    return PlannedWrite.model_validate(
        {
            "verb": verb,
            "api_version": "v1",
            "kind": kind,
            "namespace": "default",
            "name": name,
            **fields,
        }
    )


@pytest.fixture
async def kube(sim: Simulator) -> AsyncIterator[KubeClient]:
    async with KubeClient(sim.kubeconfig_path) as client:
        yield client


async def _gone(kube: KubeClient, kind: str, name: str) -> None:
    for _ in range(200):
        if await kube.get("v1", kind, "default", name) is None:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{kind} {name} is still there")


async def test_create_patch_delete(sim: Simulator, kube: KubeClient) -> None:
    created = await send_write(kube, _write("create", body=CONFIGMAP))
    assert created is not None and created["metadata"]["uid"]
    for patch_type, body in (
        ("merge", {"data": {"mode": "b"}}),
        ("strategic", {"data": {"extra": "1"}}),
        ("json", [{"op": "replace", "path": "/data/mode", "value": "c"}]),
    ):
        await send_write(kube, _write("patch", body=body, patch_type=patch_type))
    stored = await kube.get("v1", "ConfigMap", "default", "settings")
    assert stored is not None and stored["data"] == {"mode": "c", "extra": "1"}

    assert await send_write(kube, _write("delete")) is not None
    assert await kube.get("v1", "ConfigMap", "default", "settings") is None
    assert await send_write(kube, _write("delete")) is None, "already gone"


async def test_dry_runs_change_nothing(sim: Simulator, kube: KubeClient) -> None:
    await send_write(kube, _write("create", body=CONFIGMAP), dry_run=True)
    assert await kube.get("v1", "ConfigMap", "default", "settings") is None
    sim.apply([CONFIGMAP, POD])
    await send_write(kube, _write("patch", body={"data": {"mode": "b"}}), dry_run=True)
    await send_write(kube, _write("delete"), dry_run=True)
    await send_write(kube, _write("evict", kind="Pod", name="worker"), dry_run=True)

    stored = await kube.get("v1", "ConfigMap", "default", "settings")
    assert stored is not None and stored["data"] == {"mode": "a"}
    assert await kube.get("v1", "Pod", "default", "worker") is not None
    writes = sim.request_log.writes(include_dry_run=True)
    assert len(writes) == 4 and all(record.dry_run for record in writes)


async def test_a_delete_with_a_grace_period(sim: Simulator, kube: KubeClient) -> None:
    sim.apply([POD])
    await send_write(
        kube, _write("delete", kind="Pod", name="worker", body={"gracePeriodSeconds": 0})
    )
    await _gone(kube, "Pod", "worker")
    [record] = sim.request_log.writes()
    assert record.verb == "delete"


async def test_evictions(sim: Simulator, kube: KubeClient) -> None:
    sim.apply([POD])
    assert await send_write(kube, _write("evict", kind="Pod", name="worker")) is None
    await _gone(kube, "Pod", "worker")
    assert await send_write(kube, _write("evict", kind="Pod", name="worker")) is None, (
        "evicting a pod that is gone is done"
    )
    first, second = sim.request_log.writes()
    assert (first.resource, first.subresource) == (second.resource, second.subresource)
    assert (first.subresource, first.code < 300, second.code) == ("eviction", True, 404)


async def test_refusals_are_raised(sim: Simulator, kube: KubeClient) -> None:
    sim.apply([CONFIGMAP])
    with pytest.raises(KubeApiError) as exists:
        await send_write(kube, _write("create", body=CONFIGMAP))
    assert exists.value.status == 409
    with pytest.raises(KubeApiError) as missing:
        await send_write(kube, _write("patch", name="nothing", body={"data": {}}))
    assert missing.value.status == 404
