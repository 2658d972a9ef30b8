"""Shared pieces of the action tests: manifests of small workloads, a planning context,
sending a plan's writes, and polling the simulator until what a user would see shows."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from kubernaut.core.resources import ResourceRef
from kubernaut.kube import KubeClient
from kubernaut.sim.scenario import (
    HttpClusterReader,
    Scenario,
    builtin_scenarios_dir,
    evaluate_health,
    load_scenario,
)
from kubernaut.sim.scenario.staging import stage_incident
from kubernaut.sim.server import Simulator
from kubernaut.tools.apply import send_write
from kubernaut.tools.catalog import plan_action
from kubernaut.tools.catalog_types import ActionContext
from kubernaut.tools.plan import ActionPlan, PlannedWrite

Obj = dict[str, Any]
T = TypeVar("T")

STEP_KEY = "k0123456789abcde"


def namespace(name: str = "shop") -> Obj:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}


def container(name: str, image: str = "nginx:1.25", **fields: Any) -> Obj:
    return {"name": name, "image": image, **fields}


def deployment(
    name: str,
    *,
    replicas: int = 2,
    containers: list[Obj] | None = None,
    namespace: str = "shop",
    kind: str = "Deployment",
    **spec: Any,
) -> Obj:
    """A Deployment (or StatefulSet/DaemonSet with ``kind``) of pods labelled app=<name>."""
    body: Obj = {
        "selector": {"matchLabels": {"app": name}},
        "template": {
            "metadata": {"labels": {"app": name}},
            "spec": {"containers": containers or [container(name)]},
        },
        **spec,
    }
    if kind != "DaemonSet":
        body["replicas"] = replicas
    if kind == "StatefulSet":
        body.setdefault("serviceName", name)
    return {
        "apiVersion": "apps/v1",
        "kind": kind,
        "metadata": {"name": name, "namespace": namespace},
        "spec": body,
    }


def service(name: str, selector: dict[str, str], namespace: str = "shop") -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"selector": selector, "ports": [{"port": 80}]},
    }


def context(client: KubeClient, **fields: Any) -> ActionContext:
    return ActionContext(client=client, step_key=fields.pop("step_key", STEP_KEY), **fields)


async def plan(
    client: KubeClient, action: str, target: ResourceRef, **parameters: Any
) -> ActionPlan:
    return await plan_action(context(client), action, target, parameters)


async def send_all(
    client: KubeClient, writes: list[PlannedWrite], *, dry_run: bool = False
) -> list[Obj | None]:
    return [await send_write(client, write, dry_run=dry_run) for write in writes]


async def eventually(
    check: Callable[[], Awaitable[T]], within: float = 30.0, interval: float = 0.05
) -> T:
    """Poll ``check`` until it returns something truthy; fail with its last value."""
    deadline = time.monotonic() + within
    value = await check()
    while not value:
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within}s (last value: {value!r})")
        await asyncio.sleep(interval)
        value = await check()
    return value


async def pods(client: KubeClient, selector: str, namespace: str = "shop") -> list[Obj]:
    """Live pods (not being deleted) matching ``selector``."""
    found = await client.list("v1", "Pod", namespace, selector)
    return [p for p in found if not p["metadata"].get("deletionTimestamp")]


async def rolled_out(client: KubeClient, name: str, namespace: str = "shop") -> bool:
    """The Deployment's current template is fully rolled out and ready, old pods gone."""
    deployment = await client.get("apps/v1", "Deployment", namespace, name)
    if deployment is None:
        return False
    spec, status = deployment["spec"], deployment.get("status") or {}
    replicas = spec.get("replicas", 1)
    live = await pods(client, f"app={name}", namespace)
    return (
        status.get("observedGeneration") == deployment["metadata"].get("generation")
        and status.get("updatedReplicas", 0) == replicas
        and status.get("readyReplicas", 0) == replicas
        and status.get("replicas", 0) == replicas
        and len(live) == replicas
    )


@asynccontextmanager
async def incident(
    name: str, *, warmup: float | None = None
) -> AsyncIterator[tuple[Scenario, Simulator]]:
    """A built-in scenario on a manual clock, its incident staged and run for ``warmup``
    simulated seconds (default: the scenario's own warmup)."""
    scenario = load_scenario(builtin_scenarios_dir() / name)
    async with scenario.build_simulator(speed=0) as sim:
        await stage_incident(scenario, sim)
        seconds = scenario.spec.simulator.warmup if warmup is None else warmup
        await asyncio.to_thread(sim.advance, seconds)
        yield scenario, sim


async def healthy_within_budget(scenario: Scenario, sim: Simulator) -> tuple[bool, str]:
    """Whether the scenario's health predicates come to hold for ``stableFor`` within its
    ``timeBudget`` (simulated time moved in 5 s steps), and the last failures if not."""
    settings = scenario.spec.simulator
    elapsed, stable_since = 0.0, None
    async with HttpClusterReader(sim.kubeconfig_path) as reader:
        while elapsed <= settings.time_budget:
            report = await evaluate_health(scenario.expectations.health, reader)
            if not report.ok:
                stable_since = None
            elif stable_since is None:
                stable_since = elapsed
            elif elapsed - stable_since >= settings.stable_for:
                return True, f"healthy from {stable_since:g}s"
            await asyncio.to_thread(sim.advance, 5.0)
            elapsed += 5.0
        return False, "; ".join(str(result) for result in report.failing)
