"""related_objects follows the owner chain up and shows the neighbourhood an SRE checks
next: Services and their endpoints, HPAs, claims, nodes, configuration."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from read_support import read, staged

from kubernaut.sim.server import Simulator


@pytest.fixture(scope="module")
def pvc_full() -> Iterator[Simulator]:
    with staged("pvc-full") as sim:
        yield sim


@pytest.fixture(scope="module")
def hpa_maxed() -> Iterator[Simulator]:
    with staged("hpa-maxed") as sim:
        yield sim


@pytest.fixture(scope="module")
def missing_config() -> Iterator[Simulator]:
    with staged("crashloop-missing-config") as sim:
        yield sim


async def test_a_pod_leads_to_its_deployment_and_neighbours(oom: Simulator) -> None:
    pods = await read(
        oom, "get_resources", kind="pods", namespace="shop", label_selector="app=checkout"
    )
    pod = pods["items"][0]["name"]
    body = await read(oom, "related_objects", kind="Pod", namespace="shop", name=pod)
    assert body["object"] == f"Pod shop/{pod}"
    (replicaset, deployment) = body["owners"]
    assert replicaset.startswith("ReplicaSet shop/checkout-")
    assert deployment == "Deployment shop/checkout"
    assert body["top_owner"] == "Deployment shop/checkout"
    assert len(body["pods"]) == 2
    assert body["services"] == ["Service checkout: 0 ready endpoints, 2 not ready"]
    (back_off,) = body["pod_warnings"]
    assert back_off.startswith("BackOff x")
    assert "Back-off restarting failed container checkout" in back_off
    assert body["config"] == ["ConfigMap checkout-config: keys CACHE_SIZE, PAYMENTS_URL"]
    assert all(line.startswith("Node worker-") for line in body["nodes"])


async def test_a_missing_config_key_is_flagged(missing_config: Simulator) -> None:
    missing_config.apply(
        [
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "migrate", "namespace": "shop"},
                "spec": {
                    "containers": [
                        {
                            "name": "migrate",
                            "image": "ghcr.io/example/shop-orders:3.2.0",
                            "env": [
                                {
                                    "name": "PAYMENTS_URL",
                                    "valueFrom": {
                                        "configMapKeyRef": {
                                            "name": "orders-config",
                                            "key": "PAYMENTS_URL",
                                        }
                                    },
                                }
                            ],
                        }
                    ]
                },
            }
        ]
    )
    body = await read(
        missing_config, "related_objects", kind="pod", namespace="shop", name="migrate"
    )
    assert body["owners"] == "none: this is a top-level object"
    assert body["config"] == [
        "ConfigMap orders-config: keys DATABASE_URL; referenced keys MISSING: PAYMENTS_URL"
    ]


async def test_a_statefulset_shows_how_full_its_claim_is(pvc_full: Simulator) -> None:
    body = await read(
        pvc_full, "related_objects", kind="statefulset", namespace="shop", name="postgres"
    )
    assert body["pvcs"] == [
        "PersistentVolumeClaim data-postgres-0: Bound, capacity 10Gi, "
        "10Gi of 10Gi used (100%), 0 available"
    ]
    assert body["pods"][0].startswith("postgres-0: CrashLoopBackOff")


async def test_a_claim_shows_who_uses_it(pvc_full: Simulator) -> None:
    body = await read(
        pvc_full, "related_objects", kind="pvc", namespace="shop", name="data-postgres-0"
    )
    assert body["used_by"][0].startswith("postgres-0: CrashLoopBackOff")
    assert body["volume_usage"].endswith("(100%), 0 available")
    assert body["volume"].startswith("PersistentVolume pvc-")


async def test_an_hpa_leads_to_its_workload(hpa_maxed: Simulator) -> None:
    body = await read(hpa_maxed, "related_objects", kind="hpa", namespace="shop", name="web-api")
    assert body["target"] == "Deployment shop/web-api: 4/4 ready"
    assert body["hpas"] == [
        "HorizontalPodAutoscaler web-api: 4 replicas (min 2, max 4), "
        "ScalingLimited: TooManyReplicas"
    ]
    assert len(body["pods"]) == 4


async def test_a_node_lists_its_pods(oom: Simulator) -> None:
    body = await read(oom, "related_objects", kind="node", name="worker-1")
    assert any(
        line.startswith("shop/checkout-") and "owner ReplicaSet/checkout-" in line
        for line in body["pods"]
    )


async def test_a_service_shows_its_endpoints(oom: Simulator) -> None:
    body = await read(oom, "related_objects", kind="service", namespace="shop", name="checkout")
    assert body["selector"] == "app=checkout"
    assert body["endpoints"]["ready"] == []
    assert len(body["endpoints"]["not_ready"]) == 2
