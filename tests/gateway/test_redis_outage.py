"""Redis stopped in the middle of a stream: every signal still lands on the right
RemediationRequest, none twice; Redis back: the fast path resumes. Uses a private
redis-server (the machine's shared one is left alone)."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import redis
from gateway_support import AUTH, alert, remediations, settings_for, webhook

from kubernaut.gateway.app import build_app
from kubernaut.gateway.runtime import Gateway
from kubernaut.kube import KubeClient
from kubernaut.sim.server import Simulator

PROMETHEUS = "/api/v1/signals/prometheus"
INCIDENTS = ["CPUThrottlingHigh", "KubeMemoryOvercommit", "TargetDown"]


class PrivateRedis:
    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed (apt-get install redis-server)")
        self.binary = binary
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if redis.Redis(port=self.port, socket_timeout=0.2).ping():
                    return
            except redis.RedisError:
                time.sleep(0.05)
        raise AssertionError("the private redis-server did not start")

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    server.start()
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture
async def outage_gateway(
    cluster: Simulator, private_redis: PrivateRedis
) -> AsyncIterator[tuple[Gateway, httpx.AsyncClient]]:
    settings = settings_for(cluster, redis_url=private_redis.url, redis_retry_after=0.1)
    gateway = Gateway(settings)
    transport = httpx.ASGITransport(app=build_app(gateway))
    async with httpx.AsyncClient(transport=transport, base_url="http://gw", headers=AUTH) as c:
        yield gateway, c
    await gateway.aclose()


def _rr_lists(cluster: Simulator) -> int:
    return len(
        cluster.request_log.records(
            lambda r: r.verb == "list" and r.resource == "remediationrequests"
        )
    )


async def _metric(http: httpx.AsyncClient, name: str) -> float:
    text = (await http.get("/metrics")).text
    line = next(line for line in text.splitlines() if line.startswith(name + " "))
    return float(line.split()[1])


@pytest.mark.slow
async def test_signals_survive_a_redis_outage_and_the_fast_path_returns(
    cluster: Simulator,
    private_redis: PrivateRedis,
    outage_gateway: tuple[Gateway, httpx.AsyncClient],
    kube: KubeClient,
) -> None:
    _, http = outage_gateway
    codes: list[int] = []

    async def send(rounds: int) -> None:
        for _ in range(rounds):
            for name in INCIDENTS:
                payload = webhook(alert(name, namespace="shop", deployment="checkout"))
                answer = await http.post(PROMETHEUS, json=payload)
                codes.append(answer.status_code)

    await send(4)
    lists_before_outage = _rr_lists(cluster)
    assert lists_before_outage == len(INCIDENTS)  # only each incident's first signal

    private_redis.kill()
    await send(4)
    assert _rr_lists(cluster) - lists_before_outage == 4 * len(INCIDENTS)
    assert await _metric(http, "kubernaut_gateway_store_available") == 0

    private_redis.start()
    await asyncio.sleep(0.2)
    await send(1)  # Redis came back empty: one lookup per incident refills it
    lists_after_restart = _rr_lists(cluster)
    await send(4)
    assert _rr_lists(cluster) == lists_after_restart, "duplicates should take the fast path"
    assert await _metric(http, "kubernaut_gateway_store_available") == 1

    assert codes.count(201) == len(INCIDENTS)
    assert all(code in (201, 202) for code in codes)
    found = await remediations(kube)
    assert sorted(r["spec"]["signal"]["name"] for r in found) == sorted(INCIDENTS)
    assert all(r["status"]["deduplication"]["occurrences"] == 13 for r in found)
