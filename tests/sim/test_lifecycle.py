"""Deletion: finalizers, owner-reference garbage collection, namespaces, pods' grace."""

from __future__ import annotations

from typing import Any

import pytest
from kubernetes import client as k8s
from kubernetes.client.rest import ApiException

from support import wait_for


def _gone(read: Any, *args: str) -> bool:
    try:
        read(*args)
    except ApiException as error:
        return error.status == 404
    return False


def _owned_configmap(name: str, owner: Any) -> dict[str, Any]:
    return {
        "metadata": {
            "name": name,
            "ownerReferences": [
                {
                    "apiVersion": "v1",
                    "kind": "ConfigMap",
                    "name": owner.metadata.name,
                    "uid": owner.metadata.uid,
                    "blockOwnerDeletion": True,
                }
            ],
        },
        "data": {},
    }


def test_finalizer_holds_deletion_until_removed(client: Any) -> None:
    core = k8s.CoreV1Api(client)
    core.create_namespaced_config_map(
        "default", {"metadata": {"name": "held", "finalizers": ["example.com/hold"]}}
    )
    core.delete_namespaced_config_map("held", "default")
    marked = core.read_namespaced_config_map("held", "default")
    assert marked.metadata.deletion_timestamp is not None
    core.patch_namespaced_config_map("held", "default", {"metadata": {"finalizers": None}})
    assert _gone(core.read_namespaced_config_map, "held", "default")


def test_background_deletion_removes_dependents(client: Any) -> None:
    core = k8s.CoreV1Api(client)
    owner = core.create_namespaced_config_map("default", {"metadata": {"name": "owner"}})
    core.create_namespaced_config_map("default", _owned_configmap("child", owner))
    core.delete_namespaced_config_map("owner", "default", propagation_policy="Background")
    assert _gone(core.read_namespaced_config_map, "owner", "default")
    wait_for(lambda: _gone(core.read_namespaced_config_map, "child", "default"))


def test_foreground_deletion_waits_for_dependents(client: Any) -> None:
    core = k8s.CoreV1Api(client)
    owner = core.create_namespaced_config_map("default", {"metadata": {"name": "owner"}})
    core.create_namespaced_config_map(
        "default",
        {
            **_owned_configmap("child", owner),
            "metadata": {
                **_owned_configmap("child", owner)["metadata"],
                "finalizers": ["example.com/slow"],
            },
        },
    )
    core.delete_namespaced_config_map("owner", "default", propagation_policy="Foreground")
    owner_now = core.read_namespaced_config_map("owner", "default")
    assert "foregroundDeletion" in owner_now.metadata.finalizers
    wait_for(
        lambda: core.read_namespaced_config_map("child", "default").metadata.deletion_timestamp
    )
    assert core.read_namespaced_config_map("owner", "default") is not None
    core.patch_namespaced_config_map("child", "default", {"metadata": {"finalizers": None}})
    wait_for(lambda: _gone(core.read_namespaced_config_map, "owner", "default"))


def test_orphan_deletion_keeps_dependents_without_the_owner_reference(client: Any) -> None:
    core = k8s.CoreV1Api(client)
    owner = core.create_namespaced_config_map("default", {"metadata": {"name": "owner"}})
    core.create_namespaced_config_map("default", _owned_configmap("child", owner))
    core.delete_namespaced_config_map("owner", "default", propagation_policy="Orphan")
    wait_for(lambda: _gone(core.read_namespaced_config_map, "owner", "default"))
    child = core.read_namespaced_config_map("child", "default")
    assert not child.metadata.owner_references


def test_deleting_a_namespace_deletes_its_contents(client: Any) -> None:
    core = k8s.CoreV1Api(client)
    core.create_namespace({"metadata": {"name": "doomed"}})
    core.create_namespaced_config_map("doomed", {"metadata": {"name": "cm"}})
    core.delete_namespace("doomed")
    assert core.read_namespace("doomed").status.phase == "Terminating"
    with pytest.raises(ApiException) as refused:
        core.create_namespaced_config_map("doomed", {"metadata": {"name": "late"}})
    assert refused.value.status == 403
    wait_for(lambda: _gone(core.read_namespace, "doomed"))
    assert core.list_namespaced_config_map("doomed").items == []


def test_pod_terminates_gracefully_then_disappears(client: Any) -> None:
    core = k8s.CoreV1Api(client)
    pod = {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "busybox:1"}]}}
    core.create_namespaced_pod("default", pod)
    wait_for(lambda: core.read_namespaced_pod("p", "default").status.phase == "Running")
    core.delete_namespaced_pod("p", "default")
    terminating = core.read_namespaced_pod("p", "default")
    assert terminating.metadata.deletion_timestamp is not None
    wait_for(lambda: _gone(core.read_namespaced_pod, "p", "default"))
    reasons = [e.reason for e in core.list_namespaced_event("default").items]
    assert "Killing" in reasons
