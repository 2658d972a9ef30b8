"""assess_target, as the verify step uses it: unhealthy while an incident lasts, with
problem lines that say why, and healthy once a real fix has taken effect."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest

from kubernaut.core.resources import ResourceRef
from kubernaut.kube import KubeClient
from kubernaut.sim.scenario import builtin_scenarios_dir, load_scenario
from kubernaut.sim.scenario.staging import stage_incident
from kubernaut.sim.server import Simulator
from kubernaut.tools.health import TargetHealth, assess_target
from kubernaut.tools.read import pod_state

Fix = Callable[[KubeClient], Awaitable[None]]
STEP_SECONDS = 5.0


@asynccontextmanager
async def incident(name: str) -> AsyncIterator[tuple[Simulator, KubeClient]]:
    scenario = load_scenario(builtin_scenarios_dir() / name)
    async with scenario.build_simulator(speed=0) as sim:
        await stage_incident(scenario, sim)
        await asyncio.to_thread(sim.advance, scenario.spec.simulator.warmup)
        async with KubeClient(sim.kubeconfig_path) as client:
            yield sim, client


async def healthy_within(
    sim: Simulator, client: KubeClient, target: ResourceRef, seconds: float
) -> TargetHealth:
    """Step simulated time until the target is healthy or ``seconds`` have passed."""
    health = await assess_target(client, target)
    elapsed = 0.0
    while not health.healthy and elapsed < seconds:
        await asyncio.to_thread(sim.advance, STEP_SECONDS)
        elapsed += STEP_SECONDS
        health = await assess_target(client, target)
    return health


async def raise_memory_limit(client: KubeClient) -> None:
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "containers": [
                        {"name": "checkout", "resources": {"limits": {"memory": "512Mi"}}}
                    ]
                }
            }
        }
    }
    await client.patch("apps/v1", "Deployment", "shop", "checkout", patch, patch_type="strategic")


async def roll_back_orders(client: KubeClient) -> None:
    sets = await client.list("apps/v1", "ReplicaSet", "shop", label_selector="app=orders")
    first = next(
        rs
        for rs in sets
        if rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "1"
    )
    template = first["spec"]["template"]
    template["metadata"]["labels"].pop("pod-template-hash")
    patch = [{"op": "replace", "path": "/spec/template", "value": template}]
    await client.patch("apps/v1", "Deployment", "shop", "orders", patch, patch_type="json")


async def expand_claim(client: KubeClient) -> None:
    patch = {"spec": {"resources": {"requests": {"storage": "20Gi"}}}}
    await client.patch("v1", "PersistentVolumeClaim", "shop", "data-postgres-0", patch)


async def raise_hpa_maximum(client: KubeClient) -> None:
    await client.patch(
        "autoscaling/v2",
        "HorizontalPodAutoscaler",
        "shop",
        "web-api",
        {"spec": {"maxReplicas": 10}},
    )


async def drain_worker_2(client: KubeClient) -> None:
    await client.patch("v1", "Node", None, "worker-2", {"spec": {"unschedulable": True}})
    for pod in await client.list("v1", "Pod", None, field_selector="spec.nodeName=worker-2"):
        owners = pod["metadata"].get("ownerReferences") or []
        if pod["status"].get("phase") in ("Succeeded", "Failed") or any(
            o["kind"] == "DaemonSet" for o in owners
        ):
            continue
        await client.evict(pod["metadata"]["namespace"], pod["metadata"]["name"])


CASES = [
    (
        "oomkilled",
        ResourceRef(kind="Deployment", namespace="shop", name="checkout"),
        raise_memory_limit,
        ["2/2 pods in CrashLoopBackOff", "2/2 pods have containers OOMKilled and still restarting"],
    ),
    (
        "crashloop-missing-config",
        ResourceRef(kind="Deployment", namespace="shop", name="orders"),
        roll_back_orders,
        [
            "Deployment shop/orders: rollout not complete (1/2 replicas updated)",
            "1/3 pods in CrashLoopBackOff",
        ],
    ),
    (
        "pvc-full",
        ResourceRef(kind="PersistentVolumeClaim", namespace="shop", name="data-postgres-0"),
        expand_claim,
        ["PersistentVolumeClaim shop/data-postgres-0 is 100% full"],
    ),
    (
        "hpa-maxed",
        ResourceRef(kind="HorizontalPodAutoscaler", namespace="shop", name="web-api"),
        raise_hpa_maximum,
        ["HorizontalPodAutoscaler shop/web-api is limited at maxReplicas 4"],
    ),
    (
        "node-disk-pressure",
        ResourceRef(kind="Node", name="worker-2"),
        drain_worker_2,
        ["Node worker-2 has DiskPressure and is still schedulable"],
    ),
]


@pytest.mark.parametrize(
    ("scenario", "target", "fix", "problems"), CASES, ids=[case[0] for case in CASES]
)
async def test_unhealthy_during_the_incident_and_healthy_after_the_fix(
    scenario: str, target: ResourceRef, fix: Fix, problems: list[str]
) -> None:
    async with incident(scenario) as (sim, client):
        during = await assess_target(client, target)
        assert not during.healthy
        assert during.target == target
        assert 0 <= during.score < 1
        for problem in problems:
            assert problem in during.problems
        assert during.score == sum(during.checks.values()) / len(during.checks)
        await fix(client)
        after = await healthy_within(sim, client, target, seconds=300)
        assert after.healthy, after.problems
        assert after.score == 1.0
        assert after.problems == []


async def test_a_pod_is_assessed_through_its_deployment() -> None:
    async with incident("oomkilled") as (_, client):
        pods = await client.list("v1", "Pod", "shop", label_selector="app=checkout")
        pod = ResourceRef(kind="Pod", namespace="shop", name=pods[0]["metadata"]["name"])
        health = await assess_target(client, pod)
        assert health.target == ResourceRef(kind="Deployment", namespace="shop", name="checkout")
        assert health.checks["replicas_ready"] is False
        assert "Deployment shop/checkout: 0/2 replicas ready" in health.problems


async def test_a_service_without_ready_endpoints_is_unhealthy() -> None:
    async with incident("oomkilled") as (_, client):
        health = await assess_target(
            client, ResourceRef(kind="Service", namespace="shop", name="checkout")
        )
        assert health.checks == {"has_ready_endpoints": False, "all_endpoints_ready": False}
        assert "Service shop/checkout has no ready endpoints" in health.problems


async def test_a_healthy_workload_passes_every_check(sim: Simulator) -> None:
    sim.apply([WEB])
    target = ResourceRef(kind="Deployment", namespace="default", name="web")
    async with KubeClient(sim.kubeconfig_path) as client:
        health = await assess_target(client, target)
        async with asyncio.timeout(10):
            while not health.healthy:
                await asyncio.sleep(0.05)
                health = await assess_target(client, target)
    assert health.score == 1.0
    assert set(health.checks) == {
        "rollout_complete",
        "replicas_ready",
        "containers_running",
        "pods_scheduled",
        "no_oom_kills",
    }


@pytest.mark.parametrize(
    "target",
    [
        ResourceRef(kind="Deployment", namespace="default", name="gone"),
        ResourceRef(kind="Node", name="worker-9"),
        ResourceRef(kind="Gizmo", namespace="default", name="x"),
    ],
)
async def test_a_missing_target_is_unhealthy_and_says_so(
    sim: Simulator, target: ResourceRef
) -> None:
    async with KubeClient(sim.kubeconfig_path) as client:
        health = await assess_target(client, target)
    assert health.healthy is False
    assert health.score == 0.0
    assert health.checks == {"exists": False}
    (problem,) = health.problems
    assert "not found" in problem or "no kind called" in problem


WEB = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "default"},
    "spec": {
        "replicas": 2,
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]},
        },
    },
}


async def test_a_crash_loop_caught_between_two_kills_is_still_unhealthy() -> None:
    """Between two OOMKills the pods read Running and ready for a moment; a container
    OOMKilled before counts as recovered only once it has kept running for a while."""
    async with incident("oomkilled") as (sim, client):
        target = ResourceRef(kind="Deployment", namespace="shop", name="checkout")
        for _ in range(600):
            pods = await client.list("v1", "Pod", "shop", label_selector="app=checkout")
            if pods and all(pod_state.status_text(p) == "Running" for p in pods):
                break
            await asyncio.to_thread(sim.advance, 1)
        assert all(pod_state.is_ready(p) for p in pods), "the pods never ran between kills"
        between = await assess_target(client, target, now=sim.now())
    assert not between.healthy
    assert between.checks["no_oom_kills"] is False
    assert "2/2 pods have containers OOMKilled and still restarting" in between.problems
