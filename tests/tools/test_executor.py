"""The executor sends validated plans once per step key, and rolls them back."""

from __future__ import annotations

from typing import Any

import pytest

from kubernaut.core.actions import ActionStep
from kubernaut.core.execution import StepStatus
from kubernaut.core.resources import ResourceRef
from kubernaut.kube import KubeClient
from kubernaut.sim.server import Simulator
from kubernaut.tools.catalog import plan_action
from kubernaut.tools.catalog_types import ActionContext
from kubernaut.tools.executor import DirectExecutor
from kubernaut.tools.step_marker import STEP_ANNOTATION, mark_plan
from support import wait_for

WEB = ResourceRef(kind="Deployment", namespace="default", name="web")


@pytest.fixture
def web(sim: Simulator) -> Simulator:
    sim.apply(
        [
            {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": "web", "namespace": "default"},
                "spec": {
                    "replicas": 1,
                    "selector": {"matchLabels": {"app": "web"}},
                    "template": {
                        "metadata": {"labels": {"app": "web"}},
                        "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
                    },
                },
            }
        ]
    )
    return sim


async def _step(
    client: KubeClient, action: str, target: ResourceRef, key: str, **parameters: Any
) -> tuple[ActionStep, Any]:
    plan = await plan_action(ActionContext(client, step_key=key), action, target, parameters)
    marked = mark_plan(plan, key)
    return ActionStep(action=action, target=target, parameters=plan.parameters, key=key), marked


def _deployment_writes(sim: Simulator) -> list[Any]:
    return [w for w in sim.request_log.writes() if w.resource == "deployments"]


async def test_a_step_is_applied_once_and_recorded_on_its_target(web: Simulator) -> None:
    async with KubeClient(web.kubeconfig_path) as client:
        step, plan = await _step(client, "scale_deployment", WEB, "k1", replicas=3)
        executor = DirectExecutor(client)
        first = await executor.execute(step, plan)
        again = await executor.execute(step, plan)
        deployment = await client.get("apps/v1", "Deployment", "default", "web")
    assert first.status is StepStatus.APPLIED and first.writes == 1
    assert again.status is StepStatus.ALREADY_APPLIED and again.writes == 0
    assert deployment is not None
    assert deployment["spec"]["replicas"] == 3
    assert deployment["metadata"]["annotations"][STEP_ANNOTATION] == "k1"
    assert len(_deployment_writes(web)) == 1


async def test_a_deleted_pod_step_is_recognised_after_the_pod_is_gone(web: Simulator) -> None:
    async with KubeClient(web.kubeconfig_path) as client:
        pods = wait_for(lambda: web.call(lambda c: list(c.store.scan(c.resource("v1", "Pod")))))
        pod = ResourceRef(kind="Pod", namespace="default", name=pods[0]["metadata"]["name"])
        step, plan = await _step(client, "delete_pod", pod, "k2")
        executor = DirectExecutor(client)
        first = await executor.execute(step, plan)
        assert first.status is StepStatus.APPLIED
        wait_for(
            lambda: (
                web.call(lambda c: c.store.peek(c.resource("v1", "Pod"), "default", pod.name))
                is None
            )
        )
        again = await executor.execute(step, plan)
    assert again.status is StepStatus.ALREADY_APPLIED
    deletes = [w for w in web.request_log.writes() if w.verb == "delete" and w.resource == "pods"]
    assert len(deletes) == 1


async def test_rollback_restores_the_pre_change_state(web: Simulator) -> None:
    async with KubeClient(web.kubeconfig_path) as client:
        step, plan = await _step(client, "scale_deployment", WEB, "k3", replicas=4)
        executor = DirectExecutor(client)
        await executor.execute(step, plan)
        undone = await executor.rollback(step, plan)
        deployment = await client.get("apps/v1", "Deployment", "default", "web")
    assert undone.status is StepStatus.ROLLED_BACK
    assert plan.pre_state and deployment is not None
    assert deployment["spec"]["replicas"] == 1
    assert deployment["metadata"]["annotations"][STEP_ANNOTATION] == "k3-rollback"


async def test_a_refused_write_fails_the_step_with_nothing_written(web: Simulator) -> None:
    web.call(lambda c: c.access.deny("patch", "deployments", namespace="default"))
    async with KubeClient(web.kubeconfig_path) as client:
        step, plan = await _step(client, "scale_deployment", WEB, "k4", replicas=2)
        reviewed = await DirectExecutor(client).execute(step, plan)
        unreviewed = await DirectExecutor(client, preflight=False).execute(step, plan)
    assert reviewed.status is StepStatus.FAILED and reviewed.writes == 0
    assert "nothing written: may not patch deployments.apps" in reviewed.message
    assert unreviewed.status is StepStatus.FAILED
    assert "403" in unreviewed.message and "after 0 write(s)" in unreviewed.message
    assert [
        w for w in web.request_log.writes() if w.code < 300 and w.resource == "deployments"
    ] == []
