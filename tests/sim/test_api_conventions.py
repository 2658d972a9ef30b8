"""API conventions through the official kubernetes client: what any client relies on."""

from __future__ import annotations

import json
from typing import Any

import pytest
from kubernetes import client as k8s
from kubernetes.client.rest import ApiException

from kubernaut.sim.server import Simulator
from support import wait_for


def configmap(name: str, data: dict[str, str] | None = None, **labels: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "labels": labels},
        "data": data or {"key": "value"},
    }


def status_of(error: ApiException) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(error.body)
    return body


def test_created_objects_get_uid_timestamp_and_increasing_resource_versions(client: Any) -> None:
    core = k8s.CoreV1Api(client)
    first = core.create_namespaced_config_map("default", configmap("a"))
    second = core.create_namespaced_config_map("default", configmap("b"))
    assert first.metadata.uid and second.metadata.uid and first.metadata.uid != second.metadata.uid
    assert first.metadata.creation_timestamp is not None
    assert int(second.metadata.resource_version) > int(first.metadata.resource_version)


def test_errors_are_status_objects_with_the_real_codes(client: Any) -> None:
    core = k8s.CoreV1Api(client)
    with pytest.raises(ApiException) as missing:
        core.read_namespaced_config_map("nope", "default")
    assert missing.value.status == 404
    assert status_of(missing.value)["reason"] == "NotFound"
    assert status_of(missing.value)["message"] == 'configmaps "nope" not found'

    core.create_namespaced_config_map("default", configmap("twice"))
    with pytest.raises(ApiException) as duplicate:
        core.create_namespaced_config_map("default", configmap("twice"))
    assert duplicate.value.status == 409
    assert status_of(duplicate.value)["reason"] == "AlreadyExists"

    with pytest.raises(ApiException) as bad_name:
        core.create_namespaced_config_map("default", configmap("Not_A_Name"))
    assert bad_name.value.status == 422
    body = status_of(bad_name.value)
    assert body["reason"] == "Invalid"
    assert body["details"]["causes"][0]["field"] == "metadata.name"

    with pytest.raises(ApiException) as no_namespace:
        core.create_namespaced_config_map("missing-ns", configmap("x"))
    assert no_namespace.value.status == 404
    assert status_of(no_namespace.value)["message"] == 'namespaces "missing-ns" not found'


def test_stale_update_is_a_conflict_and_fresh_one_succeeds(client: Any) -> None:
    core = k8s.CoreV1Api(client)
    created = core.create_namespaced_config_map("default", configmap("cm"))
    fresh = core.read_namespaced_config_map("cm", "default")
    fresh.data = {"key": "new"}
    core.replace_namespaced_config_map("cm", "default", fresh)
    created.data = {"key": "stale"}
    with pytest.raises(ApiException) as stale:
        core.replace_namespaced_config_map("cm", "default", created)
    assert stale.value.status == 409
    assert "the object has been modified" in status_of(stale.value)["message"]
    assert core.read_namespaced_config_map("cm", "default").data == {"key": "new"}


def test_generation_moves_with_spec_not_metadata_and_status_is_a_subresource(
    client: Any, sim: Simulator
) -> None:
    apps = k8s.AppsV1Api(client)
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "replicas": 0,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]},
            },
        },
        "status": {"replicas": 99},
    }
    created = apps.create_namespaced_deployment("default", deployment)
    assert created.metadata.generation == 1
    assert created.status.replicas is None  # status is dropped on create
    labelled = apps.patch_namespaced_deployment(
        "web", "default", {"metadata": {"labels": {"a": "b"}}}
    )
    assert labelled.metadata.generation == 1
    scaled = apps.patch_namespaced_deployment(
        "web", "default", {"spec": {"replicas": 0, "paused": True}}
    )
    assert scaled.metadata.generation == 2
    ignored = apps.patch_namespaced_deployment("web", "default", {"status": {"replicas": 42}})
    assert ignored.status.replicas != 42
    spec_ignored = apps.patch_namespaced_deployment_status(
        "web", "default", {"spec": {"replicas": 7}, "status": {"observedGeneration": 99}}
    )
    assert spec_ignored.spec.replicas == 0
    assert spec_ignored.status.observed_generation == 99


def test_label_selectors_equality_and_set_based(client: Any) -> None:
    core = k8s.CoreV1Api(client)
    core.create_namespaced_config_map("default", configmap("web-prod", app="web", env="prod"))
    core.create_namespaced_config_map("default", configmap("web-dev", app="web", env="dev"))
    core.create_namespaced_config_map("default", configmap("db", app="db"))

    def names(selector: str) -> list[str]:
        items = core.list_namespaced_config_map("default", label_selector=selector).items
        return sorted(item.metadata.name for item in items)

    assert names("app=web") == ["web-dev", "web-prod"]
    assert names("app=web,env!=prod") == ["web-dev"]
    assert names("env in (prod,staging)") == ["web-prod"]
    assert names("env notin (prod),app") == ["db", "web-dev"]
    assert names("!env,app") == ["db"]
    with pytest.raises(ApiException) as bad:
        core.list_namespaced_config_map("default", label_selector="app in web")
    assert bad.value.status == 400


def test_field_selectors_on_name_namespace_and_phase(client: Any, sim: Simulator) -> None:
    core = k8s.CoreV1Api(client)
    core.create_namespace({"metadata": {"name": "other"}})
    core.create_namespaced_config_map("default", configmap("one"))
    core.create_namespaced_config_map("other", configmap("one"))
    everywhere = core.list_config_map_for_all_namespaces(field_selector="metadata.name=one").items
    assert sorted(cm.metadata.namespace for cm in everywhere) == ["default", "other"]
    only_other = core.list_config_map_for_all_namespaces(
        field_selector="metadata.name=one,metadata.namespace!=default"
    ).items
    assert [cm.metadata.namespace for cm in only_other] == ["other"]
    pod = {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "busybox:1"}]}}
    core.create_namespaced_pod("default", pod)
    wait_for(
        lambda: core.list_namespaced_pod("default", field_selector="status.phase=Running").items
    )
    bound = core.list_namespaced_pod("default", field_selector="spec.nodeName!=").items
    assert [p.metadata.name for p in bound] == ["p"]


def test_all_three_patch_types(client: Any) -> None:
    core = k8s.CoreV1Api(client)
    core.create_namespaced_config_map("default", configmap("cm", {"a": "1", "b": "2"}))

    def patch(body: Any, content_type: str) -> Any:
        return core.patch_namespaced_config_map("cm", "default", body, _content_type=content_type)

    assert patch({"data": {"a": None, "c": "3"}}, "application/merge-patch+json").data == {
        "b": "2",
        "c": "3",
    }
    assert patch({"data": {"d": "4"}}, "application/strategic-merge-patch+json").data == {
        "b": "2",
        "c": "3",
        "d": "4",
    }
    ops = [{"op": "replace", "path": "/data/b", "value": "20"}, {"op": "remove", "path": "/data/c"}]
    assert patch(ops, "application/json-patch+json").data == {"b": "20", "d": "4"}
    with pytest.raises(ApiException) as failed_test:
        patch([{"op": "test", "path": "/data/b", "value": "nope"}], "application/json-patch+json")
    assert failed_test.value.status == 422


def test_server_side_dry_run_changes_nothing(client: Any, sim: Simulator) -> None:
    core = k8s.CoreV1Api(client)
    dry = core.create_namespaced_config_map("default", configmap("dry"), dry_run="All")
    assert dry.metadata.name == "dry"
    with pytest.raises(ApiException):
        core.read_namespaced_config_map("dry", "default")
    core.create_namespaced_config_map("default", configmap("real"))
    version = core.read_namespaced_config_map("real", "default").metadata.resource_version
    core.patch_namespaced_config_map("real", "default", {"data": {"key": "x"}}, dry_run="All")
    core.delete_namespaced_config_map("real", "default", dry_run="All")
    after = core.read_namespaced_config_map("real", "default")
    assert after.data == {"key": "value"}
    assert after.metadata.resource_version == version
    dry_writes = [r for r in sim.request_log.writes(include_dry_run=True) if r.dry_run]
    assert [r.verb for r in dry_writes] == ["create", "patch", "delete"]
    assert all(r.user == "kubernetes-admin" for r in dry_writes)
