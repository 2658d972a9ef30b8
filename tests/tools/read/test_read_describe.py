"""describe shows the configuration behind a symptom the way kubectl describe does,
without ever reading a Secret or showing a credential."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
from read_support import invoke, read, secret_requests, staged

from kubernaut.sim.server import Simulator

DB_PASSWORD = "correct-horse-battery-staple"
LITERAL_TOKEN = "tok_9f8e7d6c5b4a"

PAYMENTS = [
    {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "payments-db", "namespace": "shop"},
        "data": {"password": base64.b64encode(DB_PASSWORD.encode()).decode()},
    },
    {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "payments", "namespace": "shop", "labels": {"app": "payments"}},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": "payments"}},
            "template": {
                "metadata": {"labels": {"app": "payments"}},
                "spec": {
                    "containers": [
                        {
                            "name": "payments",
                            "image": "ghcr.io/example/payments:1.0.0",
                            "command": ["/bin/payments"],
                            "args": ["--port=8080"],
                            "env": [
                                {"name": "LOG_LEVEL", "value": "info"},
                                {"name": "STRIPE_API_TOKEN", "value": LITERAL_TOKEN},
                                {
                                    "name": "UPSTREAM",
                                    "value": "https://svc:hunter22@payments.internal/v1",
                                },
                                {
                                    "name": "DB_PASSWORD",
                                    "valueFrom": {
                                        "secretKeyRef": {"name": "payments-db", "key": "password"}
                                    },
                                },
                                {
                                    "name": "CACHE_SIZE",
                                    "valueFrom": {
                                        "configMapKeyRef": {
                                            "name": "checkout-config",
                                            "key": "CACHE_SIZE",
                                        }
                                    },
                                },
                            ],
                            "envFrom": [{"secretRef": {"name": "payments-db"}}],
                            "readinessProbe": {
                                "httpGet": {"path": "/ready", "port": 8080},
                                "initialDelaySeconds": 5,
                            },
                            "volumeMounts": [
                                {"name": "certs", "mountPath": "/certs", "readOnly": True}
                            ],
                        }
                    ],
                    "volumes": [{"name": "certs", "secret": {"secretName": "payments-db"}}],
                },
            },
        },
    },
]


@pytest.fixture(scope="module")
def payments() -> Iterator[Simulator]:
    """The oomkilled scenario plus a payments Deployment that takes credentials from a
    Secret and (badly) from literal values."""
    with staged("oomkilled", extra=PAYMENTS) as sim:
        yield sim


async def test_environment_references_are_named_and_credentials_redacted(
    payments: Simulator,
) -> None:
    body = await read(payments, "describe", kind="deploy", namespace="shop", name="payments")
    (container,) = body["containers"]
    assert container["env"] == {
        "LOG_LEVEL": "info",
        "STRIPE_API_TOKEN": "[REDACTED]",
        "UPSTREAM": "https://svc:[REDACTED]@payments.internal/v1",
        "DB_PASSWORD": "secretKeyRef payments-db/password",
        "CACHE_SIZE": "configMapKeyRef checkout-config/CACHE_SIZE",
    }
    assert container["env_from"] == ["secretRef payments-db"]
    assert container["command"] == ["/bin/payments"]
    assert container["args"] == ["--port=8080"]
    assert container["readiness_probe"].startswith("httpGet :8080/ready, delay 5s")
    assert container["mounts"] == ["certs -> /certs (read-only)"]
    assert body["volumes"] == ["certs: Secret payments-db (not read)"]


async def test_no_secret_is_ever_requested_or_shown(payments: Simulator) -> None:
    pod = (
        await read(
            payments, "get_resources", kind="pods", namespace="shop", label_selector="app=payments"
        )
    )["items"][0]["name"]
    texts = [
        await invoke(payments, "describe", kind="Deployment", namespace="shop", name="payments"),
        await invoke(payments, "describe", kind="Pod", namespace="shop", name=pod),
        await invoke(payments, "related_objects", kind="Pod", namespace="shop", name=pod),
        await invoke(payments, "get_resources", kind="Deployment", namespace="shop"),
        await invoke(payments, "rollout_history", namespace="shop", deployment="payments"),
    ]
    for text in texts:
        assert DB_PASSWORD not in text
        assert LITERAL_TOKEN not in text
        assert "hunter22" not in text
    assert secret_requests(payments) == []


async def test_a_pod_shows_container_state_next_to_its_configuration(payments: Simulator) -> None:
    listing = await read(
        payments, "get_resources", kind="pods", namespace="shop", label_selector="app=checkout"
    )
    name = listing["items"][0]["name"]
    body = await read(payments, "describe", kind="pod", namespace="shop", name=name)
    (container,) = body["containers"]
    assert container["last_termination"].startswith("OOMKilled (exit 137)")
    assert container["env_from"] == ["configMapRef checkout-config"]
    assert container["resources"]["limits"]["memory"] == "256Mi"
    assert body["qos_class"] == "Burstable"
    assert "tolerations" not in body, "the defaults every pod gets are left out"
    reasons = [event["reason"] for event in body["events"]]
    assert "BackOff" in reasons
    assert all(event["object"] == f"Pod/{name}" for event in body["events"])
    assert len(body["events"]) <= 10


async def test_a_deployment_lists_its_replicasets(payments: Simulator) -> None:
    body = await read(payments, "describe", kind="Deployment", namespace="shop", name="checkout")
    (line,) = body["replica_sets"]
    assert "revision 1 (current): 0/2 ready, ghcr.io/example/shop-checkout:2.0.1" in line
    assert body["events"][0]["reason"] == "ScalingReplicaSet"


async def test_a_node_shows_its_pods_and_allocated_requests(payments: Simulator) -> None:
    body = await read(payments, "describe", kind="node", name="worker-1")
    assert body["ready"] == "True"
    assert any(line.startswith("shop/checkout-") for line in body["pods"])
    assert body["allocated_requests"]["cpu"].endswith("of allocatable)")


async def test_a_service_shows_its_endpoints(payments: Simulator) -> None:
    body = await read(payments, "describe", kind="service", namespace="shop", name="checkout")
    assert body["endpoints"]["ready"] == 0
    assert body["endpoints"]["not_ready"] == 2


async def test_without_a_namespace_the_object_is_searched_for(payments: Simulator) -> None:
    body = await read(payments, "describe", kind="Deployment", name="payments")
    assert body["namespace"] == "shop"
    assert body["events"][0]["object"] == "Deployment/payments"
    body = await read(payments, "describe", kind="ConfigMap", name="kube-root-ca.crt")
    assert "exists in several namespaces" in body["error"]
