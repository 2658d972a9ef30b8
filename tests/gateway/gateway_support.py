"""Helpers for the gateway tests: the cluster they run on, settings, alerts."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx

from kubernaut.crds.install import apply_crds
from kubernaut.gateway.app import build_app
from kubernaut.gateway.runtime import Gateway
from kubernaut.gateway.settings import GatewaySettings
from kubernaut.kube import KubeClient
from kubernaut.sim.server import Simulator

TOKEN = "gateway-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
RR_NAMESPACE = "kubernaut-system"
REDIS_URL = "redis://127.0.0.1:6379/0"


def namespace(name: str, **labels: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}}


def deployment(name: str, ns: str, replicas: int = 2) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": ns, "labels": {"app": name}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": name, "image": f"example/{name}:1.0"}]},
            },
        },
    }


CLUSTER = [
    {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": "node-1", "labels": {"kubernetes.io/hostname": "node-1"}},
    },
    namespace(RR_NAMESPACE),
    namespace("shop", **{"kubernaut.io/managed": "true", "kubernaut.io/environment": "production"}),
    namespace("staging-web", **{"kubernaut.io/managed": "true"}),
    namespace("sandbox"),
    deployment("checkout", "shop"),
]


async def install(sim: Simulator) -> None:
    async with KubeClient(sim.kubeconfig_path) as client:
        await apply_crds(client)
        for _ in range(200):
            pods = await client.list("v1", "Pod", "shop", "app=checkout")
            if len(pods) == 2:
                return
            await asyncio.sleep(0.05)
        raise AssertionError("checkout's pods did not appear")


def settings_for(sim: Simulator, store_kind: str = "memory", **changes: Any) -> GatewaySettings:
    values: dict[str, Any] = {
        "kubeconfig": sim.kubeconfig_path,
        "namespace": RR_NAMESPACE,
        "gateway_tokens": [TOKEN],
        "redis_url": REDIS_URL if store_kind == "redis" else None,
        "redis_key_prefix": f"kubernaut-test:{uuid.uuid4().hex}:",
    }
    values.update(changes)
    return GatewaySettings(**values)


async def remediations(kube: KubeClient, selector: str | None = None) -> list[dict[str, Any]]:
    return await kube.list("kubernaut.io/v1alpha1", "RemediationRequest", RR_NAMESPACE, selector)


def alert(
    name: str, status: str = "firing", severity: str = "critical", **labels: str
) -> dict[str, Any]:
    return {
        "status": status,
        "labels": {"alertname": name, "severity": severity, **labels},
        "annotations": {"summary": f"{name} is firing"},
        "startsAt": "2024-05-01T12:00:00Z",
        "endsAt": "0001-01-01T00:00:00Z",
    }


def webhook(*alerts: dict[str, Any]) -> dict[str, Any]:
    return {"version": "4", "status": "firing", "receiver": "kubernaut", "alerts": list(alerts)}


@contextlib.asynccontextmanager
async def serving(settings: GatewaySettings) -> AsyncIterator[httpx.AsyncClient]:
    """A gateway of these settings, and an authenticated client of its HTTP API."""
    gateway = Gateway(settings)
    transport = httpx.ASGITransport(app=build_app(gateway))
    try:
        async with httpx.AsyncClient(
            transport=transport, base_url="http://gateway", headers=AUTH
        ) as http:
            yield http
    finally:
        await gateway.aclose()
