"""Fixtures: a simulated cluster with the CRDs installed, a managed production namespace
running a Deployment, and a gateway in front of it (in-process store or the real Redis)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from gateway_support import AUTH, CLUSTER, install, settings_for

from kubernaut.gateway.app import build_app
from kubernaut.gateway.runtime import Gateway
from kubernaut.kube import KubeClient
from kubernaut.sim.server import Simulator


@pytest.fixture
def cluster() -> Iterator[Simulator]:
    with Simulator(speed=50, manifests=[dict(m) for m in CLUSTER]) as sim:
        asyncio.run(install(sim))
        yield sim


@pytest.fixture(params=["memory", "redis"])
def store_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def gateway(cluster: Simulator, store_kind: str) -> AsyncIterator[Gateway]:
    opened = Gateway(settings_for(cluster, store_kind))
    try:
        yield opened
    finally:
        await opened.aclose()


@pytest.fixture
async def http(gateway: Gateway) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=build_app(gateway))
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway", headers=AUTH) as c:
        yield c


@pytest.fixture
async def kube(cluster: Simulator) -> AsyncIterator[KubeClient]:
    async with KubeClient(cluster.kubeconfig_path) as client:
        yield client
