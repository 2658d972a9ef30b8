"""Fuzzing the gateway: schemathesis generates requests from its OpenAPI document, and
Hypothesis throws arbitrary JSON at every endpoint. No answer is a 5xx or carries a stack
trace; every refusal is problem details; without a token, every signal request is a 401."""

from __future__ import annotations

import asyncio
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from gateway_support import AUTH, RR_NAMESPACE, TOKEN
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubernaut.gateway.app import build_app
from kubernaut.gateway.runtime import Gateway
from kubernaut.gateway.server import GatewayServer
from kubernaut.gateway.settings import GatewaySettings
from kubernaut.sim.kubeconfig import write_kubeconfig
from kubernaut.sim.server import Simulator

ENDPOINTS = ["prometheus", "kubernetes-event", "cloudwatch", "webhook"]
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def served(cluster: Simulator) -> Iterator[GatewayServer]:
    with GatewayServer(
        kubeconfig=cluster.kubeconfig_path,
        namespace=RR_NAMESPACE,
        token=TOKEN,
        redis_url=None,
        rate_limit_per_second=100_000,
        rate_limit_burst=100_000,
    ) as server:
        yield server


def _document() -> dict[str, Any]:
    """The OpenAPI document, from an app whose cluster is never contacted."""
    with tempfile.TemporaryDirectory() as folder:
        kubeconfig = Path(folder) / "kubeconfig"
        write_kubeconfig(kubeconfig, "http://127.0.0.1:9", "unused")
        gateway = Gateway(GatewaySettings(kubeconfig=kubeconfig, gateway_tokens=[TOKEN]))
        document: dict[str, Any] = build_app(gateway).openapi()
        asyncio.run(gateway.aclose())
    return document


schema = schemathesis.openapi.from_dict(_document())


def _sound(answer: Any) -> None:
    text = answer.text
    assert answer.status_code < 500, text
    assert "Traceback" not in text and 'File "' not in text, text
    if answer.status_code >= 400:
        content_type = answer.headers.get("content-type") or answer.headers.get("Content-Type")
        if isinstance(content_type, list):  # schemathesis keeps every value of a header
            content_type = content_type[0]
        assert str(content_type).startswith("application/problem+json"), text
        problem = json.loads(text)
        assert problem["status"] == answer.status_code and problem["detail"], text


@pytest.mark.slow
@schema.parametrize()
@FUZZ
def test_generated_requests_never_fail_the_server(case: Any, served: GatewayServer) -> None:
    _sound(case.call(base_url=served.url, headers=AUTH))
    anonymous = case.call(base_url=served.url, headers={"Authorization": ""})
    _sound(anonymous)
    assert anonymous.status_code == 401


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


@pytest.mark.slow
@pytest.mark.parametrize("endpoint", ENDPOINTS)
@FUZZ
@given(body=json_values | st.binary(max_size=64).map(lambda raw: raw))
def test_arbitrary_bodies_are_refused_with_problem_details(
    endpoint: str, body: Any, served: GatewayServer
) -> None:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    answer = httpx.post(
        f"{served.url}/api/v1/signals/{endpoint}",
        content=content,
        headers={**AUTH, "Content-Type": "application/json"},
    )
    _sound(answer)
    assert answer.status_code in (200, 400, 403), answer.text
