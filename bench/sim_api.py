"""Throughput of the simulated API server: create, get, list, patch and watch events.

Run with ``make bench`` (or ``.venv/bin/python bench/sim_api.py [--objects N]``). It
prints requests per second for each verb over one keep-alive HTTP connection, and
how fast watch events reach a watcher while objects are being created, so later
work can see whether the simulator becomes a bottleneck.
"""

from __future__ import annotations

import argparse
import threading
import time
from collections.abc import Callable

import httpx

from kubernaut.sim.server import ADMIN_TOKEN, Simulator

CONFIGMAPS = "/api/v1/namespaces/default/configmaps"


def _rate(label: str, count: int, action: Callable[[int], None]) -> tuple[str, int, float]:
    started = time.perf_counter()
    for index in range(count):
        action(index)
    elapsed = time.perf_counter() - started
    return label, count, count / elapsed


def _body(index: int) -> dict[str, object]:
    return {
        "metadata": {
            "name": f"bench-{index}",
            "labels": {"bench": "yes", "shard": str(index % 10)},
        },
        "data": {"key": "value" * 20},
    }


def run(objects: int) -> list[tuple[str, int, float]]:
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    results = []
    with Simulator() as sim, httpx.Client(base_url=sim.url, headers=headers) as http:

        def check(response: httpx.Response) -> None:
            if response.status_code >= 300:
                raise RuntimeError(f"{response.request.method} failed: {response.text}")

        results.append(
            _rate("create", objects, lambda i: check(http.post(CONFIGMAPS, json=_body(i))))
        )
        results.append(_rate("get", objects, lambda i: check(http.get(f"{CONFIGMAPS}/bench-{i}"))))
        results.append(
            _rate(
                "list (label selector, 1/10 of objects)",
                max(objects // 10, 1),
                lambda i: check(http.get(CONFIGMAPS, params={"labelSelector": f"shard={i % 10}"})),
            )
        )
        results.append(
            _rate(
                "patch (merge)",
                objects,
                lambda i: check(
                    http.patch(
                        f"{CONFIGMAPS}/bench-{i}",
                        json={"data": {"key": str(i)}},
                        headers={"Content-Type": "application/merge-patch+json"},
                    )
                ),
            )
        )
        results.append(_watch_rate(sim, headers, objects))
    return results


def _watch_rate(sim: Simulator, headers: dict[str, str], objects: int) -> tuple[str, int, float]:
    """Events per second delivered to one watcher while another client writes."""
    received = 0
    done = threading.Event()
    opened = threading.Event()

    def watch() -> None:
        nonlocal received
        params = {"watch": "true", "labelSelector": "watched=yes", "resourceVersion": "1"}
        with (
            httpx.Client(base_url=sim.url, headers=headers, timeout=60) as http,
            http.stream("GET", CONFIGMAPS, params=params) as stream,
        ):
            opened.set()
            for line in stream.iter_lines():
                if line:
                    received += 1
                if received >= objects:
                    done.set()
                    return

    reader = threading.Thread(target=watch, daemon=True)
    reader.start()
    opened.wait(10)
    started = time.perf_counter()
    with httpx.Client(base_url=sim.url, headers=headers) as http:
        for index in range(objects):
            body = _body(index)
            body["metadata"] = {"name": f"watched-{index}", "labels": {"watched": "yes"}}
            http.post(CONFIGMAPS, json=body)
    done.wait(60)
    elapsed = time.perf_counter() - started
    return "watch events (while creating)", received, received / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--objects", type=int, default=2000, help="objects per phase")
    args = parser.parse_args()
    print(f"Simulator API throughput, {args.objects} objects, one keep-alive connection")
    print(f"{'operation':<42} {'count':>7} {'per second':>12}")
    for label, count, rate in run(args.objects):
        print(f"{label:<42} {count:>7} {rate:>12,.0f}")


if __name__ == "__main__":
    main()
