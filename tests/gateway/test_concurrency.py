"""Concurrent identical signals create exactly one RemediationRequest and lose no count,
in one gateway and across replicas that share nothing but the cluster."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from gateway_support import AUTH, alert, remediations, settings_for, webhook

from kubernaut.gateway.app import build_app
from kubernaut.gateway.runtime import Gateway
from kubernaut.kube import KubeClient
from kubernaut.sim.server import Simulator

PROMETHEUS = "/api/v1/signals/prometheus"
PAYLOAD = webhook(alert("KubePodCrashLooping", namespace="shop", deployment="checkout"))


@pytest.mark.slow
async def test_100_concurrent_identical_posts_create_exactly_one(
    http: httpx.AsyncClient, kube: KubeClient
) -> None:
    answers = await asyncio.gather(*(http.post(PROMETHEUS, json=PAYLOAD) for _ in range(100)))
    codes = sorted(a.status_code for a in answers)
    assert codes == [201] + [202] * 99, {a.status_code: a.text for a in answers}
    [rr] = await remediations(kube)
    assert rr["status"]["deduplication"]["occurrences"] == 100
    assert sorted(a.json()["occurrences"] for a in answers)[-1] == 100


@pytest.mark.slow
async def test_replicas_without_redis_still_create_one(
    cluster: Simulator, kube: KubeClient
) -> None:
    replicas = [Gateway(settings_for(cluster)) for _ in range(3)]
    clients = [
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=build_app(g)), base_url="http://gw", headers=AUTH
        )
        for g in replicas
    ]
    try:
        answers = await asyncio.gather(
            *(clients[i % 3].post(PROMETHEUS, json=PAYLOAD) for i in range(60))
        )
    finally:
        for client in clients:
            await client.aclose()
        for replica in replicas:
            await replica.aclose()
    assert sorted(a.status_code for a in answers) == [201] + [202] * 59
    [rr] = await remediations(kube)
    assert rr["status"]["deduplication"]["occurrences"] == 60
