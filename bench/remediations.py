"""N concurrent remediations through the CRD controllers, with the rule-based model.

Run with ``make bench`` (or ``.venv/bin/python bench/remediations.py [--count N]``).
The simulator plays N Deployments crash-looping on OOMKills (the OOM scenario's
checkout, N times); the controllers run in this process on an embedded PostgreSQL of
their own; N RemediationRequests are created at once. It prints the time until all have
ended, the API requests per remediation (by verb and resource), and the status bytes of
each kind of object. The simulator runs in this process too, so the two share the
interpreter: read the figures as an upper bound of the controllers' cost. The
controllers keep wall-clock time (their timeouts are real seconds) while the simulator
runs faster, so pods recover in a few real seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import orjson

from kubernaut.controllers.operator import run_controllers
from kubernaut.controllers.runtime import controller_runtime
from kubernaut.controllers.settings import DEFAULT_NAMESPACE, ControllerSettings
from kubernaut.core.signal_parsing import signals_from_payload
from kubernaut.crds import API_VERSION, RemediationRequest, RemediationRequestSpec, SignalSpec
from kubernaut.crds.definitions import ALL_KINDS
from kubernaut.crds.install import apply_crds
from kubernaut.crds.meta import ObjectMeta
from kubernaut.kube import KubeClient
from kubernaut.kube.errors import KubeUnreachable
from kubernaut.sim.scenario import builtin_scenarios_dir, load_scenario
from kubernaut.sim.server import Simulator
from kubernaut.store.settings import StoreSettings
from kubernaut.tools.safety import SafetyPolicy
from kubernaut.tools.safety.policy import RatePolicy

PODS_PER_NODE = 60
POLL_TIMEOUT = 60.0
"""Seconds the bench's own requests wait: the controllers keep the interpreter busy."""
SETTLED = ("AwaitingApproval",)
"""Not ended, but waiting for a person: counted as settled (the bench approves none)."""


def cluster(count: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The OOM scenario's cluster with ``count`` copies of its checkout Deployment, and
    the alert template."""
    scenario = load_scenario(builtin_scenarios_dir() / "oomkilled")
    manifests: list[dict[str, Any]] = []
    template: dict[str, Any] | None = None
    for obj in scenario.manifests:
        if obj["kind"] == "Deployment":
            template = obj
        elif obj["kind"] == "Node" and obj["metadata"]["name"].startswith("worker"):
            continue
        elif obj["kind"] not in ("Service",):
            manifests.append(obj)
    assert template is not None
    for index in range(count // PODS_PER_NODE + 2):
        manifests.append(_worker(f"worker-{index}"))
    for index in range(count):
        deployment = copy.deepcopy(template)
        deployment["metadata"]["name"] = _name(index)
        deployment["spec"]["replicas"] = 1
        deployment["spec"]["selector"]["matchLabels"]["app"] = _name(index)
        deployment["spec"]["template"]["metadata"]["labels"]["app"] = _name(index)
        manifests.append(deployment)
    return manifests, scenario.signal.payload


def _worker(name: str) -> dict[str, Any]:
    capacity = {"cpu": "64", "memory": "64Gi", "pods": "110", "ephemeral-storage": "100Gi"}
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name}},
        "status": {"capacity": capacity, "allocatable": capacity},
    }


def _name(index: int) -> str:
    return f"checkout-{index:03d}"


def _request(payload: dict[str, Any], index: int) -> dict[str, Any]:
    alert = copy.deepcopy(payload)
    for item in alert["alerts"]:
        item["labels"]["deployment"] = _name(index)
        item["labels"].pop("pod", None)
    signal = signals_from_payload(alert)[0]
    return RemediationRequest(
        metadata=ObjectMeta(name=f"oom-{index:03d}", namespace=DEFAULT_NAMESPACE),
        spec=RemediationRequestSpec(
            signal=SignalSpec.of(signal), target=signal.target, fingerprint=f"bench-{index}"
        ),
    ).wire()


async def run(count: int, speed: float) -> None:
    manifests, payload = cluster(count)
    print(
        f"Staging {count} crash-looping Deployments on the simulator (x{speed:g}) ...", flush=True
    )
    async with Simulator(speed=speed, manifests=manifests, seed=1) as sim:
        async with KubeClient(sim.kubeconfig_path) as client:
            await _until_all_crash(client, count)
        print(
            f"Every checkout pod has been OOMKilled; KUBECONFIG={sim.kubeconfig_path}", flush=True
        )
        with tempfile.TemporaryDirectory(prefix="kubernaut-bench-") as data_dir:
            await _remediate(sim, payload, count, Path(data_dir))


async def _until_all_crash(client: KubeClient, count: int) -> None:
    """Wait until every checkout pod shows the incident (its last state OOMKilled)."""
    while True:
        pods = await client.list("v1", "Pod", "shop")
        crashed = {
            pod["metadata"]["labels"].get("app")
            for pod in pods
            for container in (pod.get("status") or {}).get("containerStatuses") or []
            if ((container.get("lastState") or {}).get("terminated") or {}).get("reason")
            == "OOMKilled"
        }
        if len(crashed) >= count:
            return
        await asyncio.sleep(1)


async def _remediate(sim: Simulator, payload: dict[str, Any], count: int, data: Path) -> None:
    policy = SafetyPolicy(rate=RatePolicy(max_actions=count * 2, window_seconds=600))
    settings = ControllerSettings(verify_timeout=300)
    async with KubeClient(sim.kubeconfig_path, timeout=POLL_TIMEOUT) as client:
        await apply_crds(client)
        namespace = {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {"name": "kubernaut-system"},
        }
        await client.create(namespace)
        async with controller_runtime(
            sim.kubeconfig_path,
            settings=settings,
            policy=policy,
            store_settings=StoreSettings(database_url=None, data_dir=data),
        ) as ctx:
            stop, ready = asyncio.Event(), asyncio.Event()
            controllers = asyncio.create_task(run_controllers(ctx, stop, ready))
            await ready.wait()
            print(f"Controllers ready; creating {count} RemediationRequests at once", flush=True)
            first = len(sim.request_log)
            started = time.monotonic()
            await asyncio.gather(*(client.create(_request(payload, i)) for i in range(count)))
            ended = await _all_ended(client, count, started)
            elapsed = time.monotonic() - started
            records = sim.request_log.records()[first:]
            sizes = await _status_sizes(client)
            stop.set()
            await controllers
    _report(count, elapsed, ended, records, sizes)


async def _all_ended(client: KubeClient, count: int, started: float) -> Counter[str]:
    shown = 0.0
    while True:
        try:
            found = await client.list(API_VERSION, "RemediationRequest", DEFAULT_NAMESPACE)
        except KubeUnreachable as error:  # the shared interpreter is busy: look again
            print(f"  (a progress poll went unanswered: {error})", flush=True)
            continue
        ended = [
            r
            for r in found
            if RemediationRequest.parse(r).status.phase.terminal
            or (r.get("status") or {}).get("phase") in SETTLED
        ]
        now = time.monotonic() - started
        if now - shown >= 5:
            print(f"  {now:5.0f}s  {len(ended)}/{count} ended or awaiting approval", flush=True)
            shown = now
        if len(ended) == count:
            return Counter(str(r["status"].get("outcome") or r["status"]["phase"]) for r in ended)
        await asyncio.sleep(0.5)


async def _status_sizes(client: KubeClient) -> dict[str, list[int]]:
    sizes: dict[str, list[int]] = {}
    for kind in ALL_KINDS:
        for obj in await client.list(API_VERSION, kind.kind, DEFAULT_NAMESPACE):
            sizes.setdefault(kind.kind, []).append(len(orjson.dumps(obj.get("status") or {})))
    return sizes


def _report(
    count: int,
    elapsed: float,
    outcomes: Counter[str],
    records: list[Any],
    sizes: dict[str, list[int]],
) -> None:
    print(
        f"\n{count} concurrent remediations ended in {elapsed:.1f}s "
        f"({count / elapsed:.1f} per second): {dict(outcomes)}"
    )
    print(f"API requests: {len(records)} in all, {len(records) / count:.1f} per remediation")
    by_kind = Counter(
        f"{r.verb} {r.resource}{'/' + r.subresource if r.subresource else ''}" for r in records
    )
    for what, number in by_kind.most_common(12):
        print(f"  {number / count:6.1f}  {what}")
    print("\nStatus bytes per object:")
    print(f"  {'kind':<24}{'objects':>8}{'mean':>9}{'max':>9}")
    for kind, values in sizes.items():
        print(f"  {kind:<24}{len(values):>8}{statistics.mean(values):>9.0f}{max(values):>9}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="remediations at once")
    parser.add_argument("--speed", type=float, default=20.0, help="simulated seconds per second")
    options = parser.parse_args()
    asyncio.run(run(options.count, options.speed))


if __name__ == "__main__":
    main()
