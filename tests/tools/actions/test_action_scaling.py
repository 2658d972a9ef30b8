"""scale_deployment, scale_statefulset and update_hpa against the simulator."""

from __future__ import annotations

import pytest
from action_support import deployment, eventually, namespace, plan, pods, send_all

from kubernaut.core.resources import ResourceRef
from kubernaut.kube import KubeClient
from kubernaut.sim.server import Simulator
from kubernaut.tools.catalog_types import ActionParameterError

WEB = ResourceRef(kind="Deployment", namespace="shop", name="web")
HPA = ResourceRef(kind="HorizontalPodAutoscaler", namespace="shop", name="web")


def _hpa(minimum: int, maximum: int) -> dict[str, object]:
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "minReplicas": minimum,
            "maxReplicas": maximum,
        },
    }


async def _running(kube: KubeClient, count: int, selector: str = "app=web") -> bool:
    found = await pods(kube, selector)
    return len(found) == count and all(p["status"].get("phase") == "Running" for p in found)


async def test_scale_deployment_changes_the_pod_count_and_rolls_back(
    sim: Simulator, kube: KubeClient
) -> None:
    sim.apply([namespace(), deployment("web", replicas=2)])
    await eventually(lambda: _running(kube, 2))
    sim.request_log.clear()

    planned = await plan(kube, "scale_deployment", WEB, replicas=4)

    assert sim.request_log.writes(include_dry_run=True) == []
    assert planned.summary == "replicas of Deployment shop/web: 2 -> 4"
    assert (planned.impact.replicas_before, planned.impact.replicas_after) == (2, 4)
    assert planned.impact.pods_affected == 0
    await send_all(kube, planned.writes)
    await eventually(lambda: _running(kube, 4))
    await send_all(kube, planned.rollback)
    await eventually(lambda: _running(kube, 2))


async def test_a_dry_run_scale_changes_nothing(sim: Simulator, kube: KubeClient) -> None:
    sim.apply([namespace(), deployment("web", replicas=2)])
    planned = await plan(kube, "scale_deployment", WEB, replicas=0)

    answers = await send_all(kube, planned.writes, dry_run=True)

    assert answers[0] is not None and answers[0]["spec"]["replicas"] == 0
    stored = await kube.get("apps/v1", "Deployment", "shop", "web")
    assert stored is not None and stored["spec"]["replicas"] == 2
    assert planned.impact.pods_affected == 2


async def test_scaling_a_deployment_an_autoscaler_manages_says_so(
    sim: Simulator, kube: KubeClient
) -> None:
    sim.apply([namespace(), deployment("web", replicas=2), _hpa(2, 4)])

    planned = await plan(kube, "scale_deployment", WEB, replicas=3)

    assert "HorizontalPodAutoscaler web manages these replicas" in planned.summary


async def test_scale_statefulset(sim: Simulator, kube: KubeClient) -> None:
    sim.apply([namespace(), deployment("db", replicas=1, kind="StatefulSet")])
    await eventually(lambda: _running(kube, 1, "app=db"))
    target = ResourceRef(kind="StatefulSet", namespace="shop", name="db")

    planned = await plan(kube, "scale_statefulset", target, replicas=2)
    await send_all(kube, planned.writes)

    await eventually(lambda: _running(kube, 2, "app=db"))
    assert {p["metadata"]["name"] for p in await pods(kube, "app=db")} == {"db-0", "db-1"}
    await send_all(kube, planned.rollback)
    await eventually(lambda: _running(kube, 1, "app=db"))
    assert [p["metadata"]["name"] for p in await pods(kube, "app=db")] == ["db-0"]


async def test_update_hpa_raises_the_ceiling_and_rolls_back(
    sim: Simulator, kube: KubeClient
) -> None:
    sim.apply([namespace(), deployment("web", replicas=2), _hpa(2, 4)])

    planned = await plan(kube, "update_hpa", HPA, max_replicas=10)
    await send_all(kube, planned.writes)

    hpa = await kube.get("autoscaling/v2", "HorizontalPodAutoscaler", "shop", "web")
    assert hpa is not None and (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (2, 10)
    assert planned.parameters == {"min_replicas": 2, "max_replicas": 10}
    assert (planned.impact.replicas_before, planned.impact.replicas_after) == (4, 10)
    await send_all(kube, planned.rollback)
    hpa = await kube.get("autoscaling/v2", "HorizontalPodAutoscaler", "shop", "web")
    assert hpa is not None and hpa["spec"]["maxReplicas"] == 4


async def test_update_hpa_refuses_a_minimum_above_the_maximum(
    sim: Simulator, kube: KubeClient
) -> None:
    sim.apply([namespace(), _hpa(2, 4)])

    with pytest.raises(
        ActionParameterError, match=r"min_replicas: .*minReplicas 6 above maxReplicas 4"
    ):
        await plan(kube, "update_hpa", HPA, min_replicas=6)
    with pytest.raises(ActionParameterError, match=r"give min_replicas, max_replicas or both"):
        await plan(kube, "update_hpa", HPA)


async def test_autoscalers_it_may_not_read_do_not_block_scaling(
    sim: Simulator, kube: KubeClient
) -> None:
    sim.apply([namespace(), deployment("web", replicas=2), _hpa(2, 4)])
    sim.call(lambda cluster: cluster.access.deny("list", "horizontalpodautoscalers"))

    planned = await plan(kube, "scale_deployment", WEB, replicas=3)

    assert planned.summary == "replicas of Deployment shop/web: 2 -> 3"
