"""Subresources and computed resources: logs, eviction, access reviews, metrics, scale."""

from __future__ import annotations

from typing import Any

import pytest
from kubernetes import client as k8s
from kubernetes.client.rest import ApiException

from kubernaut.sim.server import Simulator
from support import status_message, wait_for


def _running_pod(core: Any, name: str, containers: list[str], **labels: str) -> None:
    core.create_namespaced_pod(
        "default",
        {
            "metadata": {"name": name, "labels": labels},
            "spec": {
                "containers": [
                    {
                        "name": container,
                        "image": f"example/{container}:1.0",
                        "ports": [{"containerPort": 8080}],
                        "resources": {"requests": {"cpu": "200m", "memory": "100Mi"}},
                    }
                    for container in containers
                ]
            },
        },
    )
    wait_for(lambda: core.read_namespaced_pod(name, "default").status.phase == "Running")


def test_logs_by_container_with_tail_and_a_clear_error_for_missing_previous(client: Any) -> None:
    core = k8s.CoreV1Api(client)
    _running_pod(core, "multi", ["app", "sidecar"])
    with pytest.raises(ApiException) as ambiguous:
        core.read_namespaced_pod_log("multi", "default")
    assert ambiguous.value.status == 400
    assert "choose one of: [app sidecar]" in status_message(ambiguous.value)
    log = core.read_namespaced_pod_log("multi", "default", container="sidecar")
    assert "starting example/sidecar:1.0" in log
    assert core.read_namespaced_pod_log("multi", "default", container="app", tail_lines=1) == (
        "INFO ready to serve requests\n"
    )
    with pytest.raises(ApiException) as no_previous:
        core.read_namespaced_pod_log("multi", "default", container="app", previous=True)
    assert (
        status_message(no_previous.value)
        == 'previous terminated container "app" in pod "multi" not found'
    )


def test_eviction_honours_pod_disruption_budgets(client: Any) -> None:
    core = k8s.CoreV1Api(client)
    policy = k8s.PolicyV1Api(client)
    _running_pod(core, "only", ["app"], app="db")
    policy.create_namespaced_pod_disruption_budget(
        "default",
        {
            "metadata": {"name": "db"},
            "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "db"}}},
        },
    )
    wait_for(
        lambda: (
            policy.read_namespaced_pod_disruption_budget("db", "default").status.current_healthy
            == 1
        )
    )
    eviction = {"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": "only"}}
    with pytest.raises(ApiException) as refused:
        core.create_namespaced_pod_eviction("only", "default", eviction)
    assert refused.value.status == 429
    assert "disruption budget" in refused.value.body
    policy.patch_namespaced_pod_disruption_budget("db", "default", {"spec": {"minAvailable": 0}})
    wait_for(
        lambda: (
            policy.read_namespaced_pod_disruption_budget("db", "default").status.disruptions_allowed
            == 1
        )
    )
    core.create_namespaced_pod_eviction("only", "default", eviction)
    assert core.read_namespaced_pod("only", "default").metadata.deletion_timestamp is not None


def test_access_reviews_answer_from_configurable_rules(client: Any, sim: Simulator) -> None:
    sim.call(lambda cluster: cluster.access.deny("delete", "namespaces"))
    auth = k8s.AuthorizationV1Api(client)

    def allowed(verb: str, resource: str) -> bool:
        review = auth.create_self_subject_access_review(
            {"spec": {"resourceAttributes": {"verb": verb, "resource": resource}}}
        )
        return bool(review.status.allowed)

    assert allowed("get", "namespaces")
    assert not allowed("delete", "namespaces")
    core = k8s.CoreV1Api(client)
    with pytest.raises(ApiException) as forbidden:
        core.delete_namespace("default")
    assert forbidden.value.status == 403
    assert 'cannot delete resource "namespaces"' in status_message(forbidden.value)


def test_pod_and_node_metrics_follow_running_pods(client: Any) -> None:
    core = k8s.CoreV1Api(client)
    _running_pod(core, "busy", ["app"])
    custom = k8s.CustomObjectsApi(client)
    metrics = wait_for(
        lambda: custom.list_namespaced_custom_object(
            "metrics.k8s.io", "v1beta1", "default", "pods"
        )["items"]
    )
    assert metrics[0]["metadata"]["name"] == "busy"
    usage = metrics[0]["containers"][0]["usage"]
    assert usage["cpu"].endswith("n") and usage["memory"].endswith("Ki")
    nodes = custom.list_cluster_custom_object("metrics.k8s.io", "v1beta1", "nodes")["items"]
    assert sorted(node["metadata"]["name"] for node in nodes) == ["node-1", "node-2", "node-3"]


def test_unschedulable_pod_stays_pending_with_a_failed_scheduling_event(client: Any) -> None:
    core = k8s.CoreV1Api(client)
    core.create_namespaced_pod(
        "default",
        {
            "metadata": {"name": "huge"},
            "spec": {
                "containers": [
                    {
                        "name": "c",
                        "image": "busybox:1",
                        "resources": {"requests": {"memory": "1Ti"}},
                    }
                ]
            },
        },
    )
    event = wait_for(
        lambda: (
            core.list_namespaced_event(
                "default", field_selector="involvedObject.name=huge,reason=FailedScheduling"
            ).items
        )
    )[0]
    assert event.type == "Warning"
    assert event.message.startswith("0/3 nodes are available: 3 Insufficient memory.")
    pod = core.read_namespaced_pod("huge", "default")
    assert pod.status.phase == "Pending"
    assert pod.spec.node_name is None


def test_list_pagination_with_limit_and_continue(client: Any) -> None:
    core = k8s.CoreV1Api(client)
    for index in range(5):
        core.create_namespaced_config_map("default", {"metadata": {"name": f"page-{index}"}})
    names: list[str] = []
    token = None
    while True:
        page = core.list_namespaced_config_map("default", limit=2, _continue=token)
        names.extend(item.metadata.name for item in page.items)
        token = page.metadata._continue
        if not token:
            break
    assert [n for n in names if n.startswith("page-")] == [f"page-{i}" for i in range(5)]
