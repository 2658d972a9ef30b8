"""Who may send, how much, and what: tokens (env, file, Secret, TokenReview, Basic for
SNS), rate limits, body size and content type, each refused with problem details."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from gateway_support import RR_NAMESPACE, TOKEN, alert, settings_for, webhook

from kubernaut.gateway.app import build_app
from kubernaut.gateway.runtime import Gateway
from kubernaut.kube import KubeClient
from kubernaut.sim.server import Simulator

PROMETHEUS = "/api/v1/signals/prometheus"
PAYLOAD = webhook(alert("KubeJobFailed", namespace="shop", job_name="nightly"))


async def _client(cluster: Simulator, **changes: Any) -> AsyncIterator[httpx.AsyncClient]:
    gateway = Gateway(settings_for(cluster, **changes))
    transport = httpx.ASGITransport(app=build_app(gateway))
    async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
        yield client
    await gateway.aclose()


@pytest.fixture
async def open_gateway(cluster: Simulator) -> AsyncIterator[httpx.AsyncClient]:
    async for client in _client(cluster):
        yield client


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_without_an_accepted_token_every_signal_is_401(
    open_gateway: httpx.AsyncClient,
) -> None:
    for headers in ({}, _bearer("guess"), {"Authorization": "Token x"}):
        answer = await open_gateway.post(PROMETHEUS, json=PAYLOAD, headers=headers)
        assert answer.status_code == 401
        assert answer.headers["www-authenticate"].startswith("Bearer")
        assert answer.json()["type"] == "https://kubernaut.io/problems/unauthenticated"
    accepted = await open_gateway.post(PROMETHEUS, json=PAYLOAD, headers=_bearer(TOKEN))
    assert accepted.status_code == 201
    basic = base64.b64encode(f"sns:{TOKEN}".encode()).decode()
    again = await open_gateway.post(
        PROMETHEUS, json=PAYLOAD, headers={"Authorization": f"Basic {basic}"}
    )
    assert again.status_code == 202


async def test_tokens_from_a_file_a_secret_and_token_review(
    cluster: Simulator, kube: KubeClient, tmp_path: Path
) -> None:
    token_file = tmp_path / "tokens"
    token_file.write_text("# senders\nfile-token\n")
    await kube.create(
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "gateway-tokens", "namespace": RR_NAMESPACE},
            "data": {"alertmanager": base64.b64encode(b"secret-token").decode()},
        }
    )
    async for client in _client(
        cluster,
        gateway_tokens=[],
        gateway_token_file=token_file,
        gateway_token_secret="gateway-tokens",
        gateway_token_review=True,
    ):
        for token in ("file-token", "secret-token", "kubernaut-sim-admin"):
            answer = await client.post(PROMETHEUS, json=PAYLOAD, headers=_bearer(token))
            assert answer.status_code in (201, 202), (token, answer.text)
        refused = await client.post(PROMETHEUS, json=PAYLOAD, headers=_bearer(TOKEN))
        assert refused.status_code == 401


async def test_rate_limit_answers_429_with_retry_after(cluster: Simulator) -> None:
    async for client in _client(cluster, rate_limit_per_second=0.5, rate_limit_burst=2):
        codes = [
            (await client.post(PROMETHEUS, json=PAYLOAD, headers=_bearer(TOKEN))).status_code
            for _ in range(2)
        ]
        limited = await client.post(PROMETHEUS, json=PAYLOAD, headers=_bearer(TOKEN))
        assert codes == [201, 202]
        assert limited.status_code == 429
        assert int(limited.headers["retry-after"]) >= 1
        other_source = await client.post(
            "/api/v1/signals/webhook",
            json={"name": "X", "namespace": "shop"},
            headers=_bearer(TOKEN),
        )
        assert other_source.status_code == 201


async def test_body_size_and_content_type(open_gateway: httpx.AsyncClient) -> None:
    auth = _bearer(TOKEN)
    huge = webhook(alert("Big", namespace="shop", deployment="checkout"))
    huge["alerts"][0]["annotations"]["description"] = "x" * (256 * 1024)
    too_large = await open_gateway.post(PROMETHEUS, json=huge, headers=auth)
    assert too_large.status_code == 413
    assert too_large.headers["content-type"] == "application/problem+json"

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(300):
            yield b" " * 1024

    streamed = await open_gateway.post(
        PROMETHEUS, content=chunks(), headers={**auth, "Content-Type": "application/json"}
    )
    assert streamed.status_code == 413

    as_form = await open_gateway.post(PROMETHEUS, data={"a": "b"}, headers=auth)
    assert as_form.status_code == 415
    assert "application/json" in as_form.json()["detail"]
    not_json = await open_gateway.post(
        PROMETHEUS, content=b"{nope", headers={**auth, "Content-Type": "application/json"}
    )
    assert not_json.status_code == 400
    assert not_json.json()["title"] == "Invalid signal"


async def test_health_readiness_and_metrics(cluster: Simulator, kube: KubeClient) -> None:
    async for client in _client(cluster, namespace="missing-namespace"):
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        unready = await client.get("/readyz")
        assert unready.status_code == 503
        message = unready.json()["checks"][0]["message"]
        assert "namespace missing-namespace does not exist" in message
    async for client in _client(cluster, store_kind="redis", redis_url="redis://127.0.0.1:1/0"):
        ready = await client.get("/readyz")
        assert ready.status_code == 200, ready.text
        store = ready.json()["checks"][1]
        assert store["ok"] and store["message"].startswith("degraded")

        await client.post(PROMETHEUS, json=PAYLOAD, headers=_bearer(TOKEN))
        await client.post(PROMETHEUS, json=PAYLOAD, headers=_bearer(TOKEN))
        await client.post(PROMETHEUS, json=PAYLOAD)
        text = (await client.get("/metrics")).text
        assert (
            'kubernaut_gateway_signals_received_total{source="alertmanager",status="firing"} 2.0'
            in text
        )
        assert 'kubernaut_gateway_signals_deduplicated_total{source="alertmanager"} 1.0' in text
        assert 'kubernaut_gateway_requests_rejected_total{reason="unauthenticated"} 1.0' in text
        assert 'kubernaut_gateway_dedup_lookups_total{via="kubernetes"} 2.0' in text
        assert 'kubernaut_gateway_request_duration_seconds_count{endpoint="prometheus"} 3.0' in text
