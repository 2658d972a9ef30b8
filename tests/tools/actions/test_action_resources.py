"""increase_resources: the oomkilled and pending-unschedulable incidents cured through the
planned writes, undone by the rollback writes, and refusals that name the parameter."""

from __future__ import annotations

import pytest
from action_support import (
    container,
    deployment,
    healthy_within_budget,
    incident,
    namespace,
    plan,
    send_all,
)

from kubernaut.core.resources import ResourceRef
from kubernaut.kube import KubeClient
from kubernaut.sim.server import Simulator
from kubernaut.tools.catalog_types import ActionParameterError

CHECKOUT = ResourceRef(kind="Deployment", namespace="shop", name="checkout")


def _limits(deployment: dict[str, object] | None) -> dict[str, str]:
    assert deployment is not None
    spec = deployment["spec"]
    assert isinstance(spec, dict)
    resources: dict[str, dict[str, str]] = spec["template"]["spec"]["containers"][0]["resources"]
    return resources["limits"]


async def test_raising_the_memory_limit_ends_the_oomkills_and_rollback_restores_it() -> None:
    async with incident("oomkilled") as (scenario, sim), KubeClient(sim.kubeconfig_path) as kube:
        sim.request_log.clear()
        planned = await plan(kube, "increase_resources", CHECKOUT, memory_limit="512Mi")

        assert sim.request_log.writes(include_dry_run=True) == []
        assert planned.summary == "memory limit of container checkout: 256Mi -> 512Mi"
        assert planned.parameters == {"container": "checkout", "memory_limit": "512Mi"}
        assert planned.impact.resource_factor == 2.0
        assert planned.impact.pods_affected == 2
        await send_all(kube, planned.writes)
        healthy, detail = await healthy_within_budget(scenario, sim)
        assert healthy, detail

        await send_all(kube, planned.rollback)
        restored = _limits(await kube.get("apps/v1", "Deployment", "shop", "checkout"))
        assert restored == {"cpu": "1", "memory": "256Mi"}


async def test_lowering_a_request_no_node_can_fit_lets_the_pods_schedule() -> None:
    async with (
        incident("pending-unschedulable") as (scenario, sim),
        KubeClient(sim.kubeconfig_path) as kube,
    ):
        target = ResourceRef(kind="Deployment", namespace="shop", name="analytics")
        planned = await plan(kube, "increase_resources", target, memory_request="2Gi")
        assert planned.impact.resource_factor is None, "nothing was raised"
        await send_all(kube, planned.writes)
        healthy, detail = await healthy_within_budget(scenario, sim)
        assert healthy, detail


async def test_a_dry_run_changes_nothing(sim: Simulator, kube: KubeClient) -> None:
    limited = container("web", resources={"limits": {"memory": "256Mi"}})
    sim.apply([namespace(), deployment("web", containers=[limited])])
    target = ResourceRef(kind="Deployment", namespace="shop", name="web")
    planned = await plan(kube, "increase_resources", target, memory_limit="1Gi", cpu_limit="2")

    await send_all(kube, planned.writes, dry_run=True)

    assert _limits(await kube.get("apps/v1", "Deployment", "shop", "web")) == {"memory": "256Mi"}
    assert planned.impact.resource_factor == 4.0, "cpu had no limit, so memory sets the factor"


async def test_which_container_must_be_said_when_there_are_several(
    sim: Simulator, kube: KubeClient
) -> None:
    sim.apply([namespace(), deployment("web", containers=[container("web"), container("proxy")])])
    target = ResourceRef(kind="Deployment", namespace="shop", name="web")

    with pytest.raises(ActionParameterError, match=r"container: .* has containers web, proxy"):
        await plan(kube, "increase_resources", target, memory_limit="1Gi")
    with pytest.raises(ActionParameterError, match=r"container: .* has no container 'cache'"):
        await plan(kube, "increase_resources", target, container="cache", memory_limit="1Gi")
    planned = await plan(kube, "increase_resources", target, container="proxy", cpu_request="1")
    assert planned.summary == "cpu request of container proxy: unset -> 1"


async def test_a_request_above_the_limit_is_refused(sim: Simulator, kube: KubeClient) -> None:
    resources = {"requests": {"memory": "200Mi"}, "limits": {"memory": "256Mi"}}
    sim.apply([namespace(), deployment("web", containers=[container("web", resources=resources)])])
    target = ResourceRef(kind="Deployment", namespace="shop", name="web")

    with pytest.raises(ActionParameterError, match=r"memory_request: .*512Mi .* limit of 256Mi"):
        await plan(kube, "increase_resources", target, memory_request="512Mi")
    with pytest.raises(
        ActionParameterError, match=r"memory_limit: .*request 200Mi .* limit of 128Mi"
    ):
        await plan(kube, "increase_resources", target, memory_limit="128Mi")
    planned = await plan(
        kube, "increase_resources", target, memory_limit="1Gi", memory_request="512Mi"
    )
    assert planned.impact.resource_factor == 4.0
