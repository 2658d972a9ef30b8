"""Rolling restarts: every pod replaced once, and the same step planned or sent again
starts no second rollout."""

from __future__ import annotations

import pytest
from action_support import (
    context,
    deployment,
    eventually,
    namespace,
    plan,
    pods,
    rolled_out,
    send_all,
)

from kubernaut.core.resources import ResourceRef
from kubernaut.kube import KubeClient
from kubernaut.sim.server import Simulator
from kubernaut.tools.catalog import plan_action
from kubernaut.tools.catalog_types import ActionUnavailable

WEB = ResourceRef(kind="Deployment", namespace="shop", name="web")


async def _pod_names(kube: KubeClient, selector: str = "app=web") -> set[str]:
    return {p["metadata"]["name"] for p in await pods(kube, selector)}


async def _replica_sets(kube: KubeClient) -> int:
    return len(await kube.list("apps/v1", "ReplicaSet", "shop", "app=web"))


async def test_restart_deployment_replaces_every_pod_once(sim: Simulator, kube: KubeClient) -> None:
    sim.apply([namespace(), deployment("web", replicas=2)])
    await eventually(lambda: rolled_out(kube, "web"))
    before = await _pod_names(kube)
    sim.request_log.clear()

    first = await plan(kube, "restart_deployment", WEB)
    second = await plan(kube, "restart_deployment", WEB)

    assert sim.request_log.writes(include_dry_run=True) == []
    assert first.writes == second.writes, "the same step plans the same writes"
    assert first.impact.pods_affected == 2
    assert first.rollback == [], "a restart cannot be undone"
    await send_all(kube, first.writes)
    await eventually(lambda: rolled_out(kube, "web"))
    after = await _pod_names(kube)
    assert after.isdisjoint(before)
    generation = (await kube.get("apps/v1", "Deployment", "shop", "web") or {})["metadata"][
        "generation"
    ]

    await send_all(kube, second.writes)

    again = await kube.get("apps/v1", "Deployment", "shop", "web")
    assert again is not None and again["metadata"]["generation"] == generation
    assert await _replica_sets(kube) == 2, "no third ReplicaSet: no second rollout"
    assert await _pod_names(kube) == after


async def test_a_dry_run_restart_changes_nothing(sim: Simulator, kube: KubeClient) -> None:
    sim.apply([namespace(), deployment("web", replicas=1)])
    planned = await plan(kube, "restart_deployment", WEB)

    await send_all(kube, planned.writes, dry_run=True)

    stored = await kube.get("apps/v1", "Deployment", "shop", "web")
    assert stored is not None and "annotations" not in stored["spec"]["template"]["metadata"]


async def test_another_step_restarts_again(sim: Simulator, kube: KubeClient) -> None:
    sim.apply([namespace(), deployment("web", replicas=1)])
    first = await plan_action(context(kube, step_key="kfirst"), "restart_deployment", WEB, {})
    second = await plan_action(context(kube, step_key="ksecond"), "restart_deployment", WEB, {})
    assert first.writes != second.writes


@pytest.mark.parametrize("action", ["restart_daemonset", "restart_network", "reset_service_mesh"])
async def test_daemonset_restarts_replace_the_pod_on_every_node(
    sim: Simulator, kube: KubeClient, action: str
) -> None:
    sim.apply([namespace(), deployment("agent", kind="DaemonSet")])

    async def on_every_node() -> set[str]:
        found = await pods(kube, "app=agent")
        ready = [p for p in found if p["status"].get("phase") == "Running"]
        return {p["metadata"]["name"] for p in ready} if len(ready) == 3 else set()

    before = await eventually(on_every_node)
    target = ResourceRef(kind="DaemonSet", namespace="shop", name="agent")
    planned = await plan(kube, action, target)
    assert planned.impact.pods_affected == 3

    await send_all(kube, planned.writes)

    async def all_replaced() -> bool:
        names = await on_every_node()
        return bool(names) and names.isdisjoint(before)

    await eventually(all_replaced, within=60)


async def test_a_restart_needs_the_step_key(sim: Simulator, kube: KubeClient) -> None:
    sim.apply([namespace(), deployment("web", replicas=1)])
    with pytest.raises(ActionUnavailable, match=r"idempotency key"):
        await plan_action(context(kube, step_key=""), "restart_deployment", WEB, {})
