"""Watch semantics through the official client: resume points, bookmarks, expiry, timeouts."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from kubernetes import client as k8s
from kubernetes import watch
from kubernetes.client.rest import ApiException

from kubernaut.sim.server import Simulator


def _configmap(name: str) -> dict[str, Any]:
    return {"metadata": {"name": name, "labels": {"app": "w"}}, "data": {"k": "v"}}


def test_watch_from_a_list_resource_version_sees_only_later_changes(client: Any) -> None:
    core = k8s.CoreV1Api(client)
    core.create_namespaced_config_map("default", _configmap("before"))
    listed = core.list_namespaced_config_map("default", label_selector="app=w")
    core.create_namespaced_config_map("default", _configmap("after"))
    core.patch_namespaced_config_map("after", "default", {"data": {"k": "changed"}})
    core.delete_namespaced_config_map("before", "default")
    stream = watch.Watch().stream(
        core.list_namespaced_config_map,
        "default",
        label_selector="app=w",
        resource_version=listed.metadata.resource_version,
        timeout_seconds=2,
    )
    seen = [(event["type"], event["object"].metadata.name) for event in stream]
    assert seen == [("ADDED", "after"), ("MODIFIED", "after"), ("DELETED", "before")]


def test_watch_without_version_starts_with_current_state_then_streams(client: Any) -> None:
    core = k8s.CoreV1Api(client)
    core.create_namespaced_config_map("default", _configmap("existing"))
    watcher = watch.Watch()
    events: list[tuple[str, str]] = []

    def consume() -> None:
        for event in watcher.stream(
            core.list_namespaced_config_map, "default", label_selector="app=w", timeout_seconds=5
        ):
            events.append((event["type"], event["object"].metadata.name))
            if len(events) == 2:
                watcher.stop()

    reader = threading.Thread(target=consume)
    reader.start()
    core.create_namespaced_config_map("default", _configmap("new"))
    reader.join(10)
    assert events == [("ADDED", "existing"), ("ADDED", "new")]


def test_label_selector_transitions_look_like_add_and_delete(client: Any) -> None:
    core = k8s.CoreV1Api(client)
    start = core.list_namespaced_config_map("default").metadata.resource_version
    core.create_namespaced_config_map("default", {"metadata": {"name": "x"}, "data": {}})
    core.patch_namespaced_config_map("x", "default", {"metadata": {"labels": {"app": "w"}}})
    core.patch_namespaced_config_map("x", "default", {"metadata": {"labels": {"app": "other"}}})
    stream = watch.Watch().stream(
        core.list_namespaced_config_map,
        "default",
        label_selector="app=w",
        resource_version=start,
        timeout_seconds=1,
    )
    assert [event["type"] for event in stream] == ["ADDED", "DELETED"]


def test_expired_resource_version_is_410_gone() -> None:
    with Simulator(watch_history=5) as small:
        from kubernetes import config

        api_client = config.new_client_from_config(config_file=str(small.kubeconfig_path))
        core = k8s.CoreV1Api(api_client)
        first = core.create_namespaced_config_map("default", _configmap("c0"))
        for index in range(1, 10):
            core.create_namespaced_config_map("default", _configmap(f"c{index}"))
        stream = watch.Watch().stream(
            core.list_namespaced_config_map,
            "default",
            resource_version=first.metadata.resource_version,
            timeout_seconds=2,
        )
        with pytest.raises(ApiException) as gone:
            list(stream)
        assert gone.value.status == 410
        api_client.close()


def test_bookmarks_carry_the_current_resource_version() -> None:
    with Simulator(bookmark_interval=0.2) as fast:
        from kubernetes import config

        api_client = config.new_client_from_config(config_file=str(fast.kubeconfig_path))
        core = k8s.CoreV1Api(api_client)
        version = core.list_namespaced_config_map("default").metadata.resource_version
        response = core.list_namespaced_config_map(
            "default",
            watch=True,
            resource_version=version,
            allow_watch_bookmarks=True,
            timeout_seconds=1,
            _preload_content=False,
        )
        lines = [line for line in response.read().decode().splitlines() if line]
        assert lines, "expected at least one bookmark in a second"
        assert all('"type":"BOOKMARK"' in line for line in lines)
        assert f'"resourceVersion":"{version}"' in lines[0]
        api_client.close()


def test_timeout_seconds_ends_the_stream(client: Any, sim: Simulator) -> None:
    import time

    core = k8s.CoreV1Api(client)
    started = time.monotonic()
    events = list(
        watch.Watch().stream(core.list_namespaced_config_map, "default", timeout_seconds=1)
    )
    elapsed = time.monotonic() - started
    assert 0.9 < elapsed < 5
    assert all(event["type"] == "ADDED" for event in events)
