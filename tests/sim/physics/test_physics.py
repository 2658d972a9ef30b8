"""Fault physics through the API: declared behaviour gives real symptoms, and any change
that removes the cause cures them while one that does not, does not."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from kubernetes import client as k8s
from kubernetes import config
from kubernetes.client.rest import ApiException

from kubernaut.sim.server import Simulator
from support import status_message

NODES = [
    {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name},
        "status": {
            "allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"},
            "capacity": {"cpu": "4", "memory": "8Gi", "pods": "110"},
        },
    }
    for name in ("node-a", "node-b")
]


@pytest.fixture
def manual() -> Iterator[Simulator]:
    """A simulator whose time moves only when the test advances it."""
    with Simulator(
        speed=0, manifests=[dict(n) for n in NODES], missing_images=["example/app:missing"]
    ) as simulator:
        yield simulator


@pytest.fixture
def api(manual: Simulator) -> Iterator[Any]:
    api_client = config.new_client_from_config(config_file=str(manual.kubeconfig_path))
    yield api_client
    api_client.close()


def deployment(
    name: str,
    behavior: dict[str, Any] | None = None,
    *,
    image: str = "example/app:1.0",
    limits: dict[str, str] | None = None,
    requests: dict[str, str] | None = None,
    env: list[dict[str, Any]] | None = None,
    probe: bool = False,
    volumes: list[dict[str, Any]] | None = None,
    mounts: list[dict[str, Any]] | None = None,
    replicas: int = 1,
) -> dict[str, Any]:
    annotations = {}
    if behavior is not None:
        annotations["sim.kubernaut.io/behavior"] = yaml.safe_dump({"containers": {"app": behavior}})
    container: dict[str, Any] = {
        "name": "app",
        "image": image,
        "ports": [{"containerPort": 8080, "name": "http"}],
        "resources": {"limits": limits or {}, "requests": requests or {"cpu": "100m"}},
        "env": env or [],
        "volumeMounts": mounts or [],
    }
    if probe:
        container["readinessProbe"] = {"httpGet": {"path": "/ready", "port": "http"}}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}, "annotations": annotations},
                "spec": {"containers": [container], "volumes": volumes or []},
            },
        },
    }


def container_states(api: Any, app: str) -> list[tuple[str, str | None, int, bool]]:
    """(state, reason, restarts, ready) of the app container of each live pod."""
    pods = k8s.CoreV1Api(api).list_namespaced_pod("default", label_selector=f"app={app}").items
    states = []
    for pod in pods:
        if pod.metadata.deletion_timestamp or pod.status.phase in ("Succeeded", "Failed"):
            continue
        for status in pod.status.container_statuses or []:
            state = status.state
            if state.running:
                states.append(("running", None, status.restart_count, status.ready))
            elif state.waiting:
                states.append(("waiting", state.waiting.reason, status.restart_count, status.ready))
            else:
                states.append(("terminated", state.terminated.reason, status.restart_count, False))
    return states


def event_reasons(api: Any) -> set[str]:
    return {e.reason for e in k8s.CoreV1Api(api).list_namespaced_event("default").items}


def healthy(api: Any, app: str, replicas: int = 1) -> bool:
    states = container_states(api, app)
    return len(states) == replicas and all(s[0] == "running" and s[3] for s in states)


def test_memory_over_the_limit_is_oomkilled_then_crash_loops_and_a_higher_limit_cures(
    manual: Simulator, api: Any
) -> None:
    apps = k8s.AppsV1Api(api)
    apps.create_namespaced_deployment(
        "default",
        deployment(
            "cache",
            {"memory": "300Mi", "logs": ["INFO warming cache"]},
            limits={"memory": "256Mi"},
            requests={"memory": "128Mi"},
        ),
    )
    manual.advance(60)
    states = container_states(api, "cache")
    assert states[0][:2] == ("waiting", "CrashLoopBackOff") and states[0][2] >= 2
    pod = k8s.CoreV1Api(api).list_namespaced_pod("default", label_selector="app=cache").items[0]
    last = pod.status.container_statuses[0].last_state.terminated
    assert (last.reason, last.exit_code) == ("OOMKilled", 137)
    assert "BackOff" in event_reasons(api)
    previous = k8s.CoreV1Api(api).read_namespaced_pod_log(
        pod.metadata.name, "default", previous=True
    )
    assert "INFO warming cache" in previous

    more_requests = {
        "spec": {
            "template": {
                "spec": {
                    "containers": [{"name": "app", "resources": {"requests": {"memory": "250Mi"}}}]
                }
            }
        }
    }
    apps.patch_namespaced_deployment("cache", "default", more_requests)
    manual.advance(120)
    assert not healthy(api, "cache"), "a bigger request is not a bigger limit"

    more_limit = {
        "spec": {
            "template": {
                "spec": {
                    "containers": [{"name": "app", "resources": {"limits": {"memory": "512Mi"}}}]
                }
            }
        }
    }
    apps.patch_namespaced_deployment("cache", "default", more_limit)
    manual.advance(60)
    assert healthy(api, "cache")


def test_a_crash_while_a_config_key_is_missing_stops_once_the_key_exists(
    manual: Simulator, api: Any
) -> None:
    core = k8s.CoreV1Api(api)
    core.create_namespaced_config_map("default", {"metadata": {"name": "settings"}, "data": {}})
    crash = {
        "crash": {
            "exitCode": 3,
            "after": 1,
            "logs": ["FATAL TOKEN_URL not set"],
            "whileMissing": {"configMapKey": "settings/TOKEN_URL"},
        }
    }
    k8s.AppsV1Api(api).create_namespaced_deployment("default", deployment("auth", crash))
    manual.advance(40)
    state, reason, restarts, _ = container_states(api, "auth")[0]
    assert (state, reason) == ("waiting", "CrashLoopBackOff") and restarts >= 1
    pod = core.list_namespaced_pod("default", label_selector="app=auth").items[0]
    assert pod.status.container_statuses[0].last_state.terminated.exit_code == 3
    assert "FATAL TOKEN_URL not set" in core.read_namespaced_pod_log(
        pod.metadata.name, "default", previous=True
    )
    core.patch_namespaced_config_map("settings", "default", {"data": {"TOKEN_URL": "http://t"}})
    manual.advance(400)  # the next restart comes after the back-off
    assert healthy(api, "auth")
    assert container_states(api, "auth")[0][2] >= 2, "the fix took effect on a restart"


def test_missing_environment_variable_is_cured_by_setting_it(manual: Simulator, api: Any) -> None:
    crash = {"crash": {"after": 1, "whileMissing": {"env": "REGION"}}}
    apps = k8s.AppsV1Api(api)
    apps.create_namespaced_deployment("default", deployment("geo", crash))
    manual.advance(30)
    assert container_states(api, "geo")[0][1] == "CrashLoopBackOff"
    env = {
        "spec": {
            "template": {
                "spec": {
                    "containers": [{"name": "app", "env": [{"name": "REGION", "value": "eu"}]}]
                }
            }
        }
    }
    apps.patch_namespaced_deployment("geo", "default", env)
    manual.advance(30)
    assert healthy(api, "geo")


def test_a_referenced_key_that_does_not_exist_blocks_container_creation(
    manual: Simulator, api: Any
) -> None:
    env = [{"name": "DB", "valueFrom": {"configMapKeyRef": {"name": "db", "key": "url"}}}]
    k8s.AppsV1Api(api).create_namespaced_deployment("default", deployment("blocked", env=env))
    manual.advance(20)
    assert container_states(api, "blocked")[0][:2] == ("waiting", "CreateContainerConfigError")
    k8s.CoreV1Api(api).create_namespaced_config_map(
        "default", {"metadata": {"name": "db"}, "data": {"url": "postgres://db"}}
    )
    manual.advance(20)
    assert healthy(api, "blocked")


def test_an_image_the_registry_lacks_backs_off_and_an_existing_tag_cures(
    manual: Simulator, api: Any
) -> None:
    apps = k8s.AppsV1Api(api)
    apps.create_namespaced_deployment("default", deployment("web", image="example/app:missing"))
    manual.advance(1.5)
    assert container_states(api, "web")[0][:2] == ("waiting", "ErrImagePull")
    manual.advance(5)
    assert container_states(api, "web")[0][:2] == ("waiting", "ImagePullBackOff")
    messages = [e.message for e in k8s.CoreV1Api(api).list_namespaced_event("default").items]
    assert any('Failed to pull image "example/app:missing"' in m for m in messages)
    assert "Error: ImagePullBackOff" in messages
    apps.patch_namespaced_deployment(
        "web",
        "default",
        {
            "spec": {
                "template": {"spec": {"containers": [{"name": "app", "image": "example/app:1.0"}]}}
            }
        },
    )
    manual.advance(30)
    assert healthy(api, "web")


def test_failing_readiness_keeps_the_pod_out_of_its_service(manual: Simulator, api: Any) -> None:
    core = k8s.CoreV1Api(api)
    k8s.AppsV1Api(api).create_namespaced_deployment(
        "default", deployment("front", {"readiness": "fail"}, probe=True)
    )
    core.create_namespaced_service(
        "default",
        {
            "metadata": {"name": "front"},
            "spec": {"selector": {"app": "front"}, "ports": [{"port": 80, "targetPort": "http"}]},
        },
    )
    manual.advance(60)
    assert container_states(api, "front")[0][:2] == ("running", None)
    assert container_states(api, "front")[0][3] is False
    endpoints = core.read_namespaced_endpoints("front", "default")
    assert (
        endpoints.subsets[0].addresses is None
        and len(endpoints.subsets[0].not_ready_addresses) == 1
    )
    unhealthy = core.list_namespaced_event("default", field_selector="reason=Unhealthy").items
    assert unhealthy[0].message.startswith("Readiness probe failed: HTTP probe failed")
    assert unhealthy[0].count >= 3


def test_cpu_demand_above_the_limit_is_throttled_in_metrics(manual: Simulator, api: Any) -> None:
    apps = k8s.AppsV1Api(api)
    apps.create_namespaced_deployment(
        "default", deployment("busy", {"cpu": "800m"}, limits={"cpu": "400m"})
    )
    manual.advance(60)
    pod = k8s.CoreV1Api(api).list_namespaced_pod("default", label_selector="app=busy").items[0]
    usage = k8s.CustomObjectsApi(api).get_namespaced_custom_object(
        "metrics.k8s.io", "v1beta1", "default", "pods", pod.metadata.name
    )["containers"][0]["usage"]["cpu"]
    assert usage == "400000000n"
    cadvisor = k8s.CoreV1Api(api).connect_get_node_proxy_with_path(
        pod.spec.node_name, "metrics/cadvisor"
    )
    throttled = _sample(cadvisor, "container_cpu_cfs_throttled_periods_total", pod.metadata.name)
    periods = _sample(cadvisor, "container_cpu_cfs_periods_total", pod.metadata.name)
    assert throttled / periods == pytest.approx(0.5, abs=0.02)


def _sample(text: str, metric: str, pod: str) -> float:
    for line in text.splitlines():
        if line.startswith(metric + "{") and f'pod="{pod}"' in line:
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{metric} for {pod} not in:\n{text}")


def test_a_full_volume_crashes_its_writer_until_the_claim_is_expanded(
    manual: Simulator, api: Any
) -> None:
    core = k8s.CoreV1Api(api)
    core.create_namespaced_persistent_volume_claim(
        "default",
        {
            "metadata": {"name": "data", "annotations": {"sim.kubernaut.io/used": "5Gi"}},
            "spec": {
                "accessModes": ["ReadWriteOnce"],
                "resources": {"requests": {"storage": "5Gi"}},
            },
        },
    )
    k8s.AppsV1Api(api).create_namespaced_deployment(
        "default",
        deployment(
            "db",
            {"writesTo": "data"},
            volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": "data"}}],
            mounts=[{"name": "data", "mountPath": "/var/lib/db"}],
        ),
    )
    manual.advance(30)
    assert container_states(api, "db")[0][1] == "CrashLoopBackOff"
    pod = core.list_namespaced_pod("default", label_selector="app=db").items[0]
    log = core.read_namespaced_pod_log(pod.metadata.name, "default", previous=True)
    assert "ERROR write /var/lib/db/data.tmp: no space left on device" in log
    volume_stats = core.connect_get_node_proxy_with_path(pod.spec.node_name, "metrics")
    assert (
        'kubelet_volume_stats_available_bytes{namespace="default",persistentvolumeclaim="data"} 0'
        in volume_stats
    )
    core.patch_namespaced_persistent_volume_claim(
        "data", "default", {"spec": {"resources": {"requests": {"storage": "10Gi"}}}}
    )
    manual.advance(400)
    assert healthy(api, "db")


def test_application_metrics_follow_the_declared_error_rate(manual: Simulator, api: Any) -> None:
    k8s.AppsV1Api(api).create_namespaced_deployment(
        "default", deployment("shop", {"errorRate": 0.25, "requestRate": 100, "latency": 2.0})
    )
    manual.advance(100)
    pod = k8s.CoreV1Api(api).list_namespaced_pod("default", label_selector="app=shop").items[0]
    text = k8s.CoreV1Api(api).connect_get_namespaced_pod_proxy_with_path(
        f"{pod.metadata.name}:8080", "default", "metrics"
    )
    ok = float(text.split('http_requests_total{code="200"} ')[1].split()[0])
    failed = float(text.split('http_requests_total{code="500"} ')[1].split()[0])
    assert failed / (ok + failed) == pytest.approx(0.25, abs=0.01)
    assert 'http_request_duration_seconds{quantile="0.99"} 2.0000' in text


def test_node_disk_pressure_taints_the_node_and_evicts_its_pods(
    manual: Simulator, api: Any
) -> None:
    core = k8s.CoreV1Api(api)
    k8s.AppsV1Api(api).create_namespaced_deployment("default", deployment("spread", replicas=4))
    manual.advance(20)
    on_a = [p for p in core.list_namespaced_pod("default").items if p.spec.node_name == "node-a"]
    assert on_a
    core.patch_node(
        "node-a",
        {
            "metadata": {
                "annotations": {"sim.kubernaut.io/behavior": 'conditions: {DiskPressure: "True"}'}
            }
        },
    )
    manual.advance(120)
    node = core.read_node("node-a")
    pressure = next(c for c in node.status.conditions if c.type == "DiskPressure")
    assert pressure.status == "True"
    assert {"key": "node.kubernetes.io/disk-pressure", "effect": "NoSchedule"} in [
        {"key": t.key, "effect": t.effect} for t in node.spec.taints
    ]
    evicted = [p for p in core.list_namespaced_pod("default").items if p.status.reason == "Evicted"]
    assert len(evicted) == len(on_a)
    assert evicted[0].status.phase == "Failed"
    assert "The node was low on resource: ephemeral-storage" in evicted[0].status.message
    assert healthy(api, "spread", replicas=4), "replacements run on the healthy node"
    running = [p for p in core.list_namespaced_pod("default").items if p.status.phase == "Running"]
    assert {p.spec.node_name for p in running} == {"node-b"}


def test_pods_leave_a_node_that_stays_not_ready_after_their_toleration(
    manual: Simulator, api: Any
) -> None:
    core = k8s.CoreV1Api(api)
    k8s.AppsV1Api(api).create_namespaced_deployment("default", deployment("steady", replicas=2))
    manual.advance(20)
    core.patch_node(
        "node-a",
        {
            "metadata": {
                "annotations": {"sim.kubernaut.io/behavior": 'conditions: {Ready: "False"}'}
            }
        },
    )
    manual.advance(60)
    stuck = [p for p in core.list_namespaced_pod("default").items if p.spec.node_name == "node-a"]
    assert stuck and all(
        next(c for c in p.status.conditions if c.type == "Ready").status == "False" for p in stuck
    )
    manual.advance(300)
    live = [
        p for p in core.list_namespaced_pod("default").items if not p.metadata.deletion_timestamp
    ]
    assert {p.spec.node_name for p in live} == {"node-b"}
    assert healthy(api, "steady", replicas=2)


def test_a_behaviour_annotation_that_does_not_parse_is_refused(api: Any) -> None:
    with pytest.raises(ApiException) as refused:
        k8s.AppsV1Api(api).create_namespaced_deployment(
            "default", deployment("typo", {"memroy": "1Gi"})
        )
    assert refused.value.status == 422
    message = status_message(refused.value)
    assert "spec.template.metadata.annotations[sim.kubernaut.io/behavior]" in message
    assert "memroy" in message
