"""Gateway throughput and latency: the duplicate path and the new-signal path, next to a
bare FastAPI endpoint measured in the same run on the same machine.

Run with ``make bench`` (or ``.venv/bin/python bench/gateway.py [--requests N]
[--concurrency C] [--redis-url URL]``). Everything runs in this process: the Kubernetes
API simulator, the gateway (uvicorn in its own thread) and the client, over loopback
HTTP. The figure that matters is the ratio to the bare endpoint: what deduplication,
classification and the RemediationRequest writes cost on top of FastAPI itself.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from pydantic import BaseModel

from kubernaut.crds.install import apply_crds
from kubernaut.gateway.server import GatewayServer
from kubernaut.kube import KubeClient
from kubernaut.sim.server import Simulator
from kubernaut.threaded_server import ThreadedServer

NAMESPACES = [
    {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "kubernaut-system"}},
    {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": "shop", "labels": {"kubernaut.io/managed": "true"}},
    },
]


class Alert(BaseModel):
    status: str
    labels: dict[str, str]


class Webhook(BaseModel):
    version: str
    alerts: list[Alert]


def bare_app() -> FastAPI:
    app = FastAPI()

    @app.post("/api/v1/signals/prometheus", status_code=202)
    async def accept(payload: Webhook) -> dict[str, str]:
        return {"outcome": "accepted", "signal": payload.alerts[0].labels["alertname"]}

    return app


def payload(name: str) -> dict[str, Any]:
    alert = {
        "status": "firing",
        "labels": {"alertname": name, "namespace": "shop", "deployment": "checkout"},
        "annotations": {"summary": "bench"},
        "startsAt": "2024-05-01T12:00:00Z",
    }
    return {"version": "4", "status": "firing", "alerts": [alert]}


async def measure(
    url: str,
    headers: dict[str, str],
    body: Callable[[int], dict[str, Any]],
    count: int,
    workers: int,
) -> tuple[float, float, float, set[int]]:
    """Requests per second, p50 and p99 in milliseconds, and the status codes seen."""
    latencies: list[float] = []
    codes: set[int] = set()
    queue = iter(range(count))
    limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
    async with httpx.AsyncClient(headers=headers, limits=limits, timeout=60) as http:

        async def worker() -> None:
            for index in queue:
                started = time.perf_counter()
                answer = await http.post(f"{url}/api/v1/signals/prometheus", json=body(index))
                latencies.append(time.perf_counter() - started)
                codes.add(answer.status_code)

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(workers)))
        elapsed = time.perf_counter() - began
    quantiles = statistics.quantiles(latencies, n=100)
    return count / elapsed, quantiles[49] * 1000, quantiles[98] * 1000, codes


async def install(kubeconfig: Path) -> None:
    async with KubeClient(kubeconfig) as client:
        await apply_crds(client)


def run(
    requests: int, workers: int, redis_url: str | None
) -> list[tuple[str, float, float, float]]:
    rows: list[tuple[str, float, float, float]] = []
    bare = ThreadedServer("bench-bare-fastapi")

    async def setup() -> FastAPI:
        return bare_app()

    bare.start(setup)
    with Simulator(manifests=NAMESPACES) as sim:
        asyncio.run(install(sim.kubeconfig_path))
        settings: dict[str, Any] = {
            "redis_url": redis_url,
            "redis_key_prefix": f"kubernaut-bench:{time.time_ns()}:",
            "rate_limit_per_second": 1e9,
            "rate_limit_burst": 10**9,
        }
        with GatewayServer(
            kubeconfig=sim.kubeconfig_path, namespace="kubernaut-system", **settings
        ) as gateway:
            cases: list[tuple[str, str, dict[str, str], Callable[[int], dict[str, Any]]]] = [
                (
                    "bare FastAPI endpoint",
                    f"http://127.0.0.1:{bare.port}",
                    {},
                    lambda i: payload("Bare"),
                ),
                (
                    "gateway, duplicate path",
                    gateway.url,
                    gateway.headers,
                    lambda i: payload("Repeat"),
                ),
                (
                    "gateway, new-signal path",
                    gateway.url,
                    gateway.headers,
                    lambda i: payload(f"New{i}"),
                ),
            ]
            warm = httpx.post(
                f"{gateway.url}/api/v1/signals/prometheus",
                json=payload("Repeat"),
                headers=gateway.headers,
            )
            assert warm.status_code == 201, warm.text
            for label, url, headers, body in cases:
                rate, p50, p99, codes = asyncio.run(measure(url, headers, body, requests, workers))
                expected = {202} if "new" not in label else {201}
                if codes != expected:
                    raise SystemExit(f"{label}: unexpected status codes {sorted(codes)}")
                rows.append((label, rate, p50, p99))
    bare.stop()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=600, help="requests per path")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent connections")
    parser.add_argument("--redis-url", default=None, help="use Redis (default: in-process store)")
    args = parser.parse_args()
    store = args.redis_url or "in-process store"
    print(
        f"Gateway over loopback HTTP, {args.requests} requests per path, "
        f"{args.concurrency} connections, {store}, Kubernetes = the simulator"
    )
    rows = run(args.requests, args.concurrency, args.redis_url)
    bare_rate = rows[0][1]
    print(f"{'path':<28} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'vs bare':>8}")
    for label, rate, p50, p99 in rows:
        print(f"{label:<28} {rate:>9,.0f} {p50:>8.1f} {p99:>8.1f} {rate / bare_rate:>7.0%}")


if __name__ == "__main__":
    main()
