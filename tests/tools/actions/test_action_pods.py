"""restart_pod, delete_pod and quarantine_pod against the simulator."""

from __future__ import annotations

import json

import pytest
from action_support import deployment, eventually, namespace, plan, pods, send_all, service

from kubernaut.core.resources import ResourceRef
from kubernaut.kube import KubeClient
from kubernaut.sim.server import Simulator
from kubernaut.tools.catalog_types import ActionUnavailable

BARE_POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "debug", "namespace": "shop", "labels": {"app": "debug"}},
    "spec": {"containers": [{"name": "debug", "image": "busybox:1.36"}]},
}


async def _running_web_pods(kube: KubeClient, count: int) -> list[dict[str, object]]:
    found = await pods(kube, "app=web")
    running = [p for p in found if p["status"].get("phase") == "Running"]
    return running if len(running) == count else []


def _pod(name: str) -> ResourceRef:
    return ResourceRef(kind="Pod", namespace="shop", name=name)


async def test_restart_pod_deletes_it_and_its_replicaset_starts_another(
    sim: Simulator, kube: KubeClient
) -> None:
    sim.apply([namespace(), deployment("web", replicas=2)])
    victim = str((await eventually(lambda: _running_web_pods(kube, 2)))[0]["metadata"]["name"])
    sim.request_log.clear()

    planned = await plan(kube, "restart_pod", _pod(victim), grace_period_seconds=0)

    assert sim.request_log.writes(include_dry_run=True) == []
    assert planned.summary.startswith(f"Pod shop/{victim} deleted; ReplicaSet web-")
    await send_all(kube, planned.writes, dry_run=True)
    assert await kube.get("v1", "Pod", "shop", victim) is not None
    await send_all(kube, planned.writes)

    async def replaced() -> bool:
        names = [p["metadata"]["name"] for p in await _running_web_pods(kube, 2)]
        return bool(names) and victim not in names

    await eventually(replaced)
    assert await send_all(kube, planned.writes) == [None], "deleting it again finds it gone"


async def test_restart_pod_refuses_a_pod_nothing_would_recreate(
    sim: Simulator, kube: KubeClient
) -> None:
    sim.apply([namespace(), BARE_POD])
    with pytest.raises(ActionUnavailable, match=r"no controller .* use delete_pod"):
        await plan(kube, "restart_pod", _pod("debug"))

    planned = await plan(kube, "delete_pod", _pod("debug"))
    assert planned.summary == "Pod shop/debug deleted; no controller recreates it"
    await send_all(kube, planned.writes)

    async def gone() -> bool:
        return await kube.get("v1", "Pod", "shop", "debug") is None

    await eventually(gone)


async def test_quarantine_takes_the_pod_out_of_service_and_keeps_it(
    sim: Simulator, kube: KubeClient
) -> None:
    sim.apply([namespace(), deployment("web", replicas=2), service("web", {"app": "web"})])
    running = await eventually(lambda: _running_web_pods(kube, 2))
    suspect = str(running[0]["metadata"]["name"])
    ip = running[0]["status"]["podIP"]

    planned = await plan(kube, "quarantine_pod", _pod(suspect))
    assert "leaves Services: web" in planned.summary
    await send_all(kube, planned.writes)

    kept = await kube.get("v1", "Pod", "shop", suspect)
    assert kept is not None
    labels = kept["metadata"]["labels"]
    assert labels == {"kubernaut.io/quarantined": "true"}
    removed = json.loads(kept["metadata"]["annotations"]["kubernaut.io/quarantined-labels"])
    assert set(removed) == {"app", "pod-template-hash"}
    assert not kept["metadata"].get("ownerReferences")

    async def replaced_and_out_of_service() -> bool:
        others = [p for p in await _running_web_pods(kube, 2) if p["metadata"]["name"] != suspect]
        endpoints = await kube.get("v1", "Endpoints", "shop", "web") or {}
        addresses = [
            a.get("ip") for s in endpoints.get("subsets") or [] for a in s.get("addresses") or []
        ]
        return len(others) == 2 and ip not in addresses and len(addresses) == 2

    await eventually(replaced_and_out_of_service)
    assert await kube.get("v1", "Pod", "shop", suspect) is not None, "kept for debugging"
