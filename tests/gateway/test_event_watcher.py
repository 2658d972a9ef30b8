"""``serve gateway --watch-events``: the cluster's Warning Events become signals without
anyone posting them. A pod that cannot pull its image makes the kubelet report Warning
Events; the watcher takes them in and a RemediationRequest for the pod's Deployment
appears, counting the repeats. Events from before the watcher started, Events Kubernaut
posted itself, and Events out of scope start nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from gateway_support import CLUSTER, deployment, install, remediations, settings_for

from kubernaut.gateway.runtime import Gateway
from kubernaut.kube import KubeClient
from kubernaut.sim.server import Simulator

MISSING = "example/cart:2.0"


def _warning(name: str, namespace: str, reason: str, about: str, **extra: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": name, "namespace": namespace},
        "involvedObject": {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "namespace": namespace,
            "name": about,
        },
        "reason": reason,
        "message": f"{reason} on {about}",
        "type": "Warning",
        "count": 1,
        **extra,
    }


@pytest.fixture
def cluster() -> Any:
    with Simulator(speed=20, manifests=[dict(m) for m in CLUSTER], missing_images=[MISSING]) as sim:
        asyncio.run(install(sim))
        yield sim


@pytest.fixture
async def kube(cluster: Simulator) -> AsyncIterator[KubeClient]:
    async with KubeClient(cluster.kubeconfig_path) as client:
        yield client


async def _signals(kube: KubeClient) -> dict[str, dict[str, Any]]:
    return {r["spec"]["signal"]["name"]: r for r in await remediations(kube)}


async def test_warning_events_are_watched_into_remediations(
    cluster: Simulator, kube: KubeClient
) -> None:
    await kube.create(_warning("old-trouble", "shop", "OldTrouble", "checkout"))
    gateway = Gateway(settings_for(cluster, watch_events=True))
    await gateway.start()
    try:
        assert gateway.watcher is not None
        await asyncio.wait_for(gateway.watcher.listening.wait(), 10)
        await kube.create(
            _warning("ours", "shop", "Escalated", "checkout", source={"component": "kubernaut"})
        )
        await kube.create(_warning("elsewhere", "sandbox", "Unmanaged", "anything"))
        cart = deployment("cart", "shop")
        cart["spec"]["template"]["spec"]["containers"][0]["image"] = MISSING
        await kube.create(cart)

        async def cart_remediation() -> dict[str, Any] | None:
            for _ in range(200):
                for found in (await _signals(kube)).values():
                    target = found["spec"].get("target") or {}
                    occurrences = ((found.get("status") or {}).get("deduplication") or {}).get(
                        "occurrences", 1
                    )
                    if target.get("name") == "cart" and occurrences > 1:
                        return found
                await asyncio.sleep(0.1)
            return None

        found = await cart_remediation()
        assert found is not None, await _signals(kube)
        assert found["spec"]["target"] == {
            "kind": "Deployment",
            "namespace": "shop",
            "name": "cart",
        }
        assert found["spec"]["signal"]["source"] == "kubernetes-event"
        names = set(await _signals(kube))
        assert not names & {"OldTrouble", "Escalated", "Unmanaged"}, names
        assert gateway.watcher.taken >= 2
    finally:
        await gateway.aclose()
