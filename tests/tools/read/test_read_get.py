"""get_resources shows, for each kind, what an SRE needs first: on the oomkilled
incident, pods in CrashLoopBackOff whose last termination was OOMKilled with exit 137,
and the 256Mi limit they hit."""

from __future__ import annotations

import pytest
from read_support import invoke, read

from kubernaut.sim.server import Simulator


async def test_pods_show_the_oomkill_its_exit_code_and_the_limit(oom: Simulator) -> None:
    body = await read(
        oom, "get_resources", kind="pods", namespace="shop", label_selector="app=checkout"
    )
    assert body["kind"] == "Pod"
    assert body["count"] == 2
    for pod in body["items"]:
        assert pod["status"] == "CrashLoopBackOff"
        assert pod["ready"] == "0/1"
        assert pod["node"].startswith("worker-")
        assert pod["owner"].startswith("ReplicaSet/checkout-")
        (container,) = pod["containers"]
        assert container["state"] == "waiting: CrashLoopBackOff"
        assert container["last_termination"].startswith("OOMKilled (exit 137)")
        assert container["restarts"] >= 1
        assert container["resources"]["limits"]["memory"] == "256Mi"


@pytest.mark.parametrize("kind", ["Deployment", "deployments", "deploy", "DEPLOYMENT"])
async def test_a_deployment_summary_whatever_the_kind_is_called(oom: Simulator, kind: str) -> None:
    body = await read(oom, "get_resources", kind=kind, namespace="shop", name="checkout")
    assert body["kind"] == "Deployment"
    assert body["replicas"] == {"desired": 2, "ready": 0, "updated": 2, "available": 0, "total": 2}
    assert body["rollout"] == "in progress: 0 of 2 updated replicas available"
    assert body["revision"] == "1"
    assert body["selector"] == "app=checkout"
    assert body["containers"][0]["image"] == "ghcr.io/example/shop-checkout:2.0.1"
    assert body["containers"][0]["resources"]["limits"]["memory"] == "256Mi"
    assert any(line.startswith("Available=False") for line in body["conditions"])


async def test_the_simulators_fault_declarations_are_not_shown(oom: Simulator) -> None:
    text = await invoke(oom, "describe", kind="Deployment", namespace="shop", name="checkout")
    assert "sim.kubernaut.io" not in text
    assert "300Mi" not in text


async def test_a_name_without_a_namespace_is_searched_everywhere(oom: Simulator) -> None:
    body = await read(oom, "get_resources", kind="svc", name="checkout")
    assert body["namespace"] == "shop"
    assert body["selector"] == "app=checkout"
    assert body["ports"] == ["http 8080->http/TCP"]


async def test_field_selectors_and_limits_narrow_a_list(oom: Simulator) -> None:
    body = await read(
        oom, "get_resources", kind="pods", namespace="shop", field_selector="spec.nodeName=worker-1"
    )
    assert body["count"] >= 1
    assert all(pod["node"] == "worker-1" for pod in body["items"])
    body = await read(oom, "get_resources", kind="pods", namespace="shop", limit=1)
    assert body["count"] == 1
    assert "more than 1 match" in body["more"]


async def test_nodes_show_taints_roles_and_allocatable(oom: Simulator) -> None:
    body = await read(oom, "get_resources", kind="nodes")
    nodes = {node["name"]: node for node in body["items"]}
    assert "namespace" not in body
    control_plane = nodes["control-plane"]
    assert control_plane["roles"] == ["control-plane"]
    assert control_plane["taints"] == ["node-role.kubernetes.io/control-plane:NoSchedule"]
    assert nodes["worker-1"]["ready"] == "True"
    assert nodes["worker-1"]["allocatable"]["memory"] == "15Gi"
    assert "problems" not in nodes["worker-1"]


async def test_configmaps_show_keys_and_hide_secret_looking_values(oom: Simulator) -> None:
    body = await read(oom, "get_resources", kind="configmap", namespace="shop", name="app-settings")
    assert body["keys"] == ["DB_PASSWORD", "GREETING", "LOG_LEVEL"]
    assert body["data"]["LOG_LEVEL"] == "debug"
    assert body["data"]["DB_PASSWORD"] == "[REDACTED]"
    assert body["data"]["GREETING"].startswith("xxx")
    assert body["data"]["GREETING"].endswith("[280 more characters]")


async def test_events_listed_as_objects_come_newest_last(oom: Simulator) -> None:
    body = await read(oom, "get_resources", kind="events", namespace="shop", limit=5)
    times = [event["last"] for event in body["items"]]
    assert times == sorted(times)
    assert body["count"] == 5
