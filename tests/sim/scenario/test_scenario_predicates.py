"""Each health predicate, true and false, against a running simulator over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from scenario_helpers import WEB_OOM, eventually, patch

from kubernaut.sim.scenario import HttpClusterReader, load_scenario
from kubernaut.sim.scenario.model import Expectations
from kubernaut.sim.scenario.predicates import Predicate, evaluate_health
from kubernaut.sim.server import Simulator


def _node(name: str, **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name}},
        "spec": spec,
        "status": {
            "capacity": {"cpu": "4", "memory": "16Gi", "pods": "110"},
            "allocatable": {"cpu": "4", "memory": "16Gi", "pods": "110"},
        },
    }


def _container(name: str, **resources: Any) -> dict[str, Any]:
    return {
        "name": name,
        "image": f"ghcr.io/example/{name}:1.0",
        "ports": [{"containerPort": 8080, "name": "http"}],
        "resources": resources,
    }


def _template(
    app: str,
    containers: list[dict[str, Any]],
    *,
    behavior: str = "",
    pod_spec: dict[str, Any] | None = None,
) -> dict[str, Any]:
    metadata: dict[str, Any] = {"labels": {"app": app}}
    if behavior:
        metadata["annotations"] = {"sim.kubernaut.io/behavior": behavior}
    return {"metadata": metadata, "spec": {"containers": containers, **(pod_spec or {})}}


def _deployment(name: str, replicas: int, template: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "shop"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": template,
        },
    }


def _hpa(name: str, maximum: int, target: int) -> dict[str, Any]:
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": name, "namespace": "shop"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
            "minReplicas": 1,
            "maxReplicas": maximum,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": target},
                    },
                }
            ],
        },
    }


LIMITED = {
    "requests": {"cpu": "100m", "memory": "128Mi"},
    "limits": {"cpu": "500m", "memory": "256Mi"},
}
NO_LIMITS = {"requests": {"cpu": "100m", "memory": "64Mi"}}
NOWHERE = {"nodeSelector": {"disk": "none-has-this"}}
TOLERATE_ALL = {"tolerations": [{"operator": "Exists"}]}

CLUSTER: list[dict[str, Any]] = [
    _node("node-1"),
    _node("node-2", taints=[{"key": "dedicated", "value": "infra", "effect": "NoSchedule"}]),
    {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}},
    _deployment(
        "api",
        2,
        _template(
            "api",
            behavior="containers:\n  api: {memory: 100Mi, errorRate: 0, requestRate: 20}\n",
            containers=[_container("api", **LIMITED)],
        ),
    ),
    {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "api", "namespace": "shop"},
        "spec": {"selector": {"app": "api"}, "ports": [{"port": 80, "targetPort": "http"}]},
    },
    _deployment(
        "flaky",
        1,
        _template(
            "flaky",
            behavior="containers:\n  flaky: {errorRate: 0.5, requestRate: 20}\n",
            containers=[_container("flaky", **NO_LIMITS)],
        ),
    ),
    _deployment("stuck", 1, _template("stuck", containers=[_container("stuck")], pod_spec=NOWHERE)),
    _deployment("cool", 1, _template("cool", containers=[_container("cool", **LIMITED)])),
    _hpa("cool", maximum=3, target=80),
    _deployment(
        "hot",
        1,
        _template(
            "hot",
            behavior="containers:\n  hot: {cpu: 450m}\n",
            containers=[_container("hot", **LIMITED)],
        ),
    ),
    _hpa("hot", maximum=1, target=50),
    {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "db", "namespace": "shop"},
        "spec": {
            "replicas": 1,
            "serviceName": "db",
            "selector": {"matchLabels": {"app": "db"}},
            "template": _template(
                "db",
                containers=[
                    {**_container("db"), "volumeMounts": [{"name": "data", "mountPath": "/d"}]}
                ],
            ),
            "volumeClaimTemplates": [
                {
                    "metadata": {"name": "data"},
                    "spec": {
                        "accessModes": ["ReadWriteOnce"],
                        "resources": {"requests": {"storage": "1Gi"}},
                    },
                }
            ],
        },
    },
    {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "queue", "namespace": "shop"},
        "spec": {
            "replicas": 1,
            "serviceName": "queue",
            "selector": {"matchLabels": {"app": "queue"}},
            "template": _template("queue", containers=[_container("queue")], pod_spec=NOWHERE),
        },
    },
    {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": "agent", "namespace": "shop"},
        "spec": {
            "selector": {"matchLabels": {"app": "agent"}},
            "template": _template("agent", containers=[_container("agent")], pod_spec=TOLERATE_ALL),
        },
    },
    {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": "nowhere", "namespace": "shop"},
        "spec": {
            "selector": {"matchLabels": {"app": "nowhere"}},
            "template": _template("nowhere", containers=[_container("nowhere")], pod_spec=NOWHERE),
        },
    },
]

SETTLED = [
    {"deploymentReady": {"namespace": "shop", "name": name}} for name in ("api", "flaky", "cool")
] + [
    {"statefulSetReady": {"namespace": "shop", "name": "db"}},
    {"daemonSetReady": {"namespace": "shop", "name": "agent"}},
    {"errorRateBelow": {"namespace": "shop", "deployment": "api"}},
    {"hpaNotLimited": {"namespace": "shop", "name": "cool"}},
    {"hpaBelowTarget": {"namespace": "shop", "name": "cool"}},
]


def predicate(document: dict[str, Any]) -> Predicate:
    """One predicate, parsed exactly as a scenario's health list would parse it."""
    expectations = Expectations.model_validate(
        {
            "rootCause": {"category": "node"},
            "acceptableActions": [{"type": "notify_only"}],
            "health": [document],
        }
    )
    return expectations.health[0]


@pytest.fixture(scope="module")
def cluster() -> Iterator[Simulator]:
    """The cluster above, running 50x real time, with its workloads settled."""
    with Simulator(speed=50, manifests=CLUSTER) as sim:

        async def settle() -> None:
            async with HttpClusterReader(sim.kubeconfig_path) as reader:
                for document in SETTLED:
                    await eventually(predicate(document), reader)

        asyncio.run(settle())
        yield sim


@pytest.fixture
async def reader(cluster: Simulator) -> AsyncIterator[HttpClusterReader]:
    async with HttpClusterReader(cluster.kubeconfig_path) as reader:
        yield reader


CASES: list[tuple[dict[str, Any], bool, str]] = [
    (
        {"deploymentReady": {"namespace": "shop", "name": "api"}},
        True,
        "deployment shop/api: 2/2 ready, updated and available",
    ),
    (
        {"deploymentReady": {"namespace": "shop", "name": "stuck"}},
        False,
        "deployment shop/stuck: 0/1 ready, 1 pod in Unschedulable",
    ),
    (
        {"deploymentReady": {"namespace": "shop", "name": "gone"}},
        False,
        "deployment shop/gone: not found",
    ),
    (
        {"statefulSetReady": {"namespace": "shop", "name": "db"}},
        True,
        "statefulset shop/db: 1/1 ready, updated and available",
    ),
    (
        {"statefulSetReady": {"namespace": "shop", "name": "queue"}},
        False,
        "statefulset shop/queue: 0/1 ready",
    ),
    (
        {"daemonSetReady": {"namespace": "shop", "name": "agent"}},
        True,
        "daemonset shop/agent: 2/2 ready, updated and available",
    ),
    (
        {"daemonSetReady": {"namespace": "shop", "name": "nowhere"}},
        False,
        "daemonset shop/nowhere: 0/0 ready, no node to run on (desiredNumberScheduled is 0)",
    ),
    (
        {"podsReady": {"namespace": "shop", "selector": "app=api", "min": 2}},
        True,
        "pods app=api in shop: 2/2 ready",
    ),
    (
        {"podsReady": {"namespace": "shop", "selector": "app=api", "min": 3}},
        False,
        "pods app=api in shop: 2/2 ready, 2 pods where at least 3 are wanted",
    ),
    (
        {"podsReady": {"namespace": "shop", "selector": "app in (api,stuck)"}},
        False,
        "pods app in (api,stuck) in shop: 2/3 ready, 1 pod in Unschedulable",
    ),
    (
        {"noContainerIn": {"namespace": "shop", "selector": "app=api"}},
        True,
        "pods app=api in shop: 2 pods, no container in CrashLoopBackOff, OOMKilled, "
        "ImagePullBackOff, ErrImagePull, CreateContainerConfigError, Error",
    ),
    (
        {"serviceHasEndpoints": {"namespace": "shop", "name": "api", "min": 2}},
        True,
        "service shop/api: 2 ready addresses",
    ),
    (
        {"serviceHasEndpoints": {"namespace": "shop", "name": "api", "min": 3}},
        False,
        "service shop/api: 2 ready addresses, at least 3 wanted",
    ),
    (
        {"serviceHasEndpoints": {"namespace": "shop", "name": "none"}},
        False,
        "service shop/none: no Endpoints object",
    ),
    (
        {"nodeCondition": {"name": "node-1", "type": "Ready", "status": "True"}},
        True,
        "node node-1: Ready is True",
    ),
    (
        {"nodeCondition": {"name": "node-1", "type": "MemoryPressure", "status": "True"}},
        False,
        "node node-1: MemoryPressure is False, expected True",
    ),
    (
        {"nodeCondition": {"name": "node-9", "type": "Ready", "status": "True"}},
        False,
        "node node-9: not found",
    ),
    ({"nodeSchedulable": {"name": "node-1"}}, True, "node node-1: schedulable"),
    (
        {"nodeSchedulable": {"name": "node-1", "schedulable": False}},
        False,
        "node node-1: schedulable",
    ),
    ({"noPodsOnNode": {"node": "node-2"}}, True, "node node-2: no pods"),
    (
        {"noPodsOnNode": {"node": "node-2", "excludeDaemonSets": False}},
        False,
        "node node-2: 1 pod left: shop/agent-",
    ),
    ({"noPodsOnNode": {"node": "node-1"}}, False, "node node-1: "),
    (
        {"hpaNotLimited": {"namespace": "shop", "name": "cool"}},
        True,
        "hpa shop/cool: ScalingLimited is False",
    ),
    (
        {"hpaNotLimited": {"namespace": "shop", "name": "hot"}},
        False,
        "hpa shop/hot: ScalingLimited is True (",
    ),
    (
        {"hpaBelowTarget": {"namespace": "shop", "name": "cool"}},
        True,
        "hpa shop/cool: CPU at ",
    ),
    (
        {"hpaBelowTarget": {"namespace": "shop", "name": "hot"}},
        False,
        "hpa shop/hot: CPU at ",
    ),
    (
        {"pvcCapacityAtLeast": {"namespace": "shop", "name": "data-db-0", "size": "1Gi"}},
        True,
        "pvc shop/data-db-0: capacity 1Gi, at least 1Gi wanted",
    ),
    (
        {"pvcCapacityAtLeast": {"namespace": "shop", "name": "data-db-0", "size": "1.5Gi"}},
        False,
        "pvc shop/data-db-0: capacity 1Gi, at least 1.5Gi wanted",
    ),
    (
        {"pvcCapacityAtLeast": {"namespace": "shop", "name": "data-db-9", "size": "1Gi"}},
        False,
        "pvc shop/data-db-9: not found",
    ),
    (
        {"podMetricBelow": {"namespace": "shop", "selector": "app=api", "resource": "memory"}},
        True,
        "pods app=api in shop: memory at most 39% of the limit (2 pods)",  # 100Mi of 256Mi
    ),
    (
        {
            "podMetricBelow": {
                "namespace": "shop",
                "selector": "app=api",
                "resource": "memory",
                "fractionOfLimit": 0.2,
            }
        },
        False,
        "pods app=api in shop: memory over 20% of the limit: api-",
    ),
    (
        {"podMetricBelow": {"namespace": "shop", "selector": "app=flaky", "resource": "cpu"}},
        False,
        "pods app=flaky in shop: no container has a cpu limit",
    ),
    (
        {"podMetricBelow": {"namespace": "shop", "selector": "app=stuck", "resource": "cpu"}},
        False,
        "pods app=stuck in shop: no metrics for stuck-",
    ),
    (
        {"errorRateBelow": {"namespace": "shop", "deployment": "api"}},
        True,
        "deployment shop/api: 0.00% of ",
    ),
    (
        {"errorRateBelow": {"namespace": "shop", "deployment": "flaky", "max": 0.1}},
        False,
        "deployment shop/flaky: 50.00% of ",
    ),
    (
        {"errorRateBelow": {"namespace": "shop", "deployment": "stuck"}},
        False,
        "deployment shop/stuck: no ready pods to measure",
    ),
]


@pytest.mark.parametrize(
    ("document", "ok", "detail"),
    CASES,
    ids=[
        f"{next(iter(doc))}-{'true' if ok else 'false'}-{i}" for i, (doc, ok, _) in enumerate(CASES)
    ],
)
async def test_predicate(
    reader: HttpClusterReader, document: dict[str, Any], ok: bool, detail: str
) -> None:
    result = await eventually(predicate(document), reader, ok=ok)
    assert result.detail.startswith(detail), result.detail
    assert result.predicate == next(iter(document))


async def test_cordoning_a_node_flips_node_schedulable(
    cluster: Simulator, reader: HttpClusterReader
) -> None:
    cordoned = predicate({"nodeSchedulable": {"name": "node-2", "schedulable": False}})
    assert not (await cordoned.evaluate(reader)).ok
    await patch(cluster, "/api/v1/nodes/node-2", {"spec": {"unschedulable": True}})
    result = await eventually(cordoned, reader)
    assert result.detail == "node node-2: cordoned"
    await patch(cluster, "/api/v1/nodes/node-2", {"spec": {"unschedulable": None}})


async def test_the_example_scenario_is_unhealthy_until_fixed_and_breaks_again_on_a_bad_image() -> (
    None
):
    scenario = load_scenario(WEB_OOM)
    health = scenario.expectations.health
    async with (
        scenario.build_simulator(speed=50) as sim,
        HttpClusterReader(sim.kubeconfig_path) as reader,
    ):
        crashing = await eventually(health[1], reader, ok=False)
        assert "/web CrashLoopBackOff" in crashing.detail or "/web OOMKilled" in crashing.detail
        report = await evaluate_health(health, reader)
        assert not report.ok
        assert report.failing[0].predicate == "deploymentReady"
        assert report.failing[0].detail.startswith("deployment shop/web: ")

        # The fix an agent would apply: a memory limit above the 300Mi working set.
        deployment = "/apis/apps/v1/namespaces/shop/deployments/web"
        await patch(
            sim,
            deployment,
            {
                "spec": {
                    "template": {
                        "spec": {
                            "containers": [
                                {"name": "web", "resources": {"limits": {"memory": "512Mi"}}}
                            ]
                        }
                    }
                }
            },
        )
        for each in health:
            await eventually(each, reader)
        assert (await evaluate_health(health, reader)).ok

        # A rollout to an image the scenario's registry lacks gets stuck behind the old pods.
        await patch(
            sim,
            deployment,
            {
                "spec": {
                    "template": {
                        "spec": {
                            "containers": [
                                {"name": "web", "image": "ghcr.io/example/web:2.0.0-broken"}
                            ]
                        }
                    }
                }
            },
        )
        stuck = await eventually(health[0], reader, ok=False)
        assert "old replica set web-" in stuck.detail
        pulling = await eventually(health[1], reader, ok=False)
        assert "ImagePullBackOff" in pulling.detail or "ErrImagePull" in pulling.detail
