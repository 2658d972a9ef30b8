"""notify_only: a Normal Event on the object, named after the step, and nothing else."""

from __future__ import annotations

import pytest
from action_support import STEP_KEY, deployment, namespace, plan, send_all

from kubernaut.core.resources import ResourceRef
from kubernaut.kube import KubeApiError, KubeClient
from kubernaut.sim.server import Simulator


async def test_notify_posts_an_event_about_the_target(sim: Simulator, kube: KubeClient) -> None:
    sim.apply([namespace(), deployment("web", replicas=1)])
    target = ResourceRef(kind="Deployment", namespace="shop", name="web")
    sim.request_log.clear()

    planned = await plan(kube, "notify_only", target, message="memory keeps growing; paging")

    assert sim.request_log.writes(include_dry_run=True) == []
    assert planned.rollback == []
    await send_all(kube, planned.writes)
    events = await kube.list("v1", "Event", "shop", field_selector="reason=KubernautNotification")
    assert len(events) == 1
    event = events[0]
    assert event["metadata"]["name"] == f"web.kubernaut-{STEP_KEY}"
    assert event["type"] == "Normal"
    assert event["message"] == "memory keeps growing; paging"
    assert event["source"] == {"component": "kubernaut"}
    involved = event["involvedObject"]
    assert (involved["kind"], involved["namespace"], involved["name"]) == (
        "Deployment",
        "shop",
        "web",
    )

    with pytest.raises(KubeApiError) as again:
        await send_all(kube, planned.writes)
    assert again.value.status == 409, "the same step posts once"


async def test_notify_about_a_node_goes_to_default(sim: Simulator, kube: KubeClient) -> None:
    planned = await plan(kube, "notify_only", ResourceRef(kind="node", name="node-1"), message="hi")

    assert planned.target == ResourceRef(kind="Node", name="node-1")
    await send_all(kube, planned.writes)
    events = await kube.list("v1", "Event", "default", field_selector="involvedObject.name=node-1")
    assert [e["reason"] for e in events if e["reason"] == "KubernautNotification"] == [
        "KubernautNotification"
    ]
