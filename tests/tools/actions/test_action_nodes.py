"""cordon_node, uncordon_node and drain_node: the node-disk-pressure incident contained by
a drain, PodDisruptionBudgets honoured, and the pods a drain refuses to touch."""

from __future__ import annotations

import pytest
from action_support import (
    deployment,
    eventually,
    healthy_within_budget,
    incident,
    namespace,
    plan,
    pods,
    send_all,
)

from kubernaut.core.resources import ResourceRef
from kubernaut.kube import KubeApiError, KubeClient
from kubernaut.sim.server import Simulator
from kubernaut.tools.catalog_types import ActionUnavailable

NODE_1 = ResourceRef(kind="Node", name="node-1")


async def _cordoned(kube: KubeClient, name: str) -> bool:
    node = await kube.get("v1", "Node", None, name)
    assert node is not None
    return bool(node["spec"].get("unschedulable"))


async def test_draining_the_pressured_node_moves_its_pods_and_uncordon_undoes_it() -> None:
    """Drained as soon as the pressure shows, before the kubelet evicted everything."""
    async with (
        incident("node-disk-pressure", warmup=1) as (scenario, sim),
        KubeClient(sim.kubeconfig_path) as kube,
    ):
        target = ResourceRef(kind="Node", name="worker-2")
        sim.request_log.clear()

        planned = await plan(kube, "drain_node", target)

        assert sim.request_log.writes(include_dry_run=True) == []
        evicted = [w for w in planned.writes if w.verb == "evict"]
        assert planned.impact.nodes_drained == 1
        assert planned.impact.pods_affected == len(evicted) > 0
        assert planned.summary.startswith(f"Node worker-2 cordoned and {len(evicted)} pod(s)")
        await send_all(kube, planned.writes)
        healthy, detail = await healthy_within_budget(scenario, sim)
        assert healthy, detail

        await send_all(kube, planned.rollback)
        assert not await _cordoned(kube, "worker-2")


async def test_cordon_and_uncordon(sim: Simulator, kube: KubeClient) -> None:
    cordon = await plan(kube, "cordon_node", NODE_1)
    assert cordon.summary == "Node node-1: schedulable -> unschedulable"
    await send_all(kube, cordon.writes, dry_run=True)
    assert not await _cordoned(kube, "node-1")

    await send_all(kube, cordon.writes)
    assert await _cordoned(kube, "node-1")
    uncordon = await plan(kube, "uncordon_node", NODE_1)
    await send_all(kube, uncordon.writes)
    assert not await _cordoned(kube, "node-1")
    await send_all(kube, uncordon.rollback)
    assert await _cordoned(kube, "node-1")


def _budget(max_unavailable: int) -> dict[str, object]:
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"maxUnavailable": max_unavailable, "selector": {"matchLabels": {"app": "web"}}},
    }


async def _web_pods_on(kube: KubeClient, node: str) -> list[dict[str, object]]:
    return [p for p in await pods(kube, "app=web") if p["spec"].get("nodeName") == node]


async def test_a_drain_honours_pod_disruption_budgets(sim: Simulator, kube: KubeClient) -> None:
    sim.apply(
        [
            namespace(),
            deployment("web", replicas=3, nodeSelector={"kubernetes.io/hostname": "node-1"}),
            _budget(0),
        ]
    )

    async def all_running() -> list[dict[str, object]]:
        found = await _web_pods_on(kube, "node-1")
        return (
            found
            if len(found) == 3 and all(p["status"].get("phase") == "Running" for p in found)
            else []
        )

    await eventually(all_running)
    planned = await plan(kube, "drain_node", NODE_1)
    assert planned.impact.pods_affected == 3

    with pytest.raises(KubeApiError) as refused:
        await send_all(kube, planned.writes)
    assert refused.value.status == 429
    assert await _cordoned(kube, "node-1"), "the cordon went through before the evictions"
    assert len(await _web_pods_on(kube, "node-1")) == 3


async def test_daemonset_and_unmanaged_pods(sim: Simulator, kube: KubeClient) -> None:
    bare = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "debug", "namespace": "shop"},
        "spec": {"nodeName": "node-1", "containers": [{"name": "debug", "image": "busybox:1.36"}]},
    }
    sim.apply([namespace(), deployment("agent", kind="DaemonSet"), bare])

    async def agent_on_node_1() -> bool:
        return any(p["spec"].get("nodeName") == "node-1" for p in await pods(kube, "app=agent"))

    await eventually(agent_on_node_1)
    with pytest.raises(
        ActionUnavailable, match=r"DaemonSet pods .*shop/agent-.* ignore_daemonsets"
    ):
        await plan(kube, "drain_node", NODE_1, ignore_daemonsets=False)
    with pytest.raises(
        ActionUnavailable, match=r"no controller would recreate \(shop/debug\).* force"
    ):
        await plan(kube, "drain_node", NODE_1)

    planned = await plan(kube, "drain_node", NODE_1, force=True)

    assert [w.name for w in planned.writes if w.verb == "evict"] == ["debug"]
    await send_all(kube, planned.writes)

    async def gone() -> bool:
        return await kube.get("v1", "Pod", "shop", "debug") is None

    await eventually(gone)
    assert await agent_on_node_1(), "DaemonSet pods stay"
    assert await send_all(kube, planned.writes[1:]) == [None], "evicting a gone pod is done"
