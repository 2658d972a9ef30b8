"""Shared pieces of the workload controller tests: an in-process cluster whose clock only
moves when the test advances it, with the real scheduler and kubelet running the pods."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kubernaut.sim.cluster import Cluster
from kubernaut.sim.objects import Obj, deep_copy

NEVER_READY = {
    "readinessProbe": {"httpGet": {"path": "/", "port": 80}, "initialDelaySeconds": 10**7}
}
"""Container fields that keep a container from ever turning Ready within a test."""


START = datetime(2025, 1, 1, tzinfo=UTC)
"""Where simulated time starts in these tests (minute 28928160 since the epoch)."""


def new_cluster(node_count: int = 3) -> Cluster:
    """A cluster on a manual clock (it moves by ``advance``) with ``node_count`` ready nodes."""
    cluster = Cluster(speed=0, start=START)
    cluster.apply([node(f"node-{index}") for index in range(1, node_count + 1)])
    cluster.advance(0)
    return cluster


def node(name: str, *, labels: dict[str, str] | None = None, **spec: Any) -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name, **(labels or {})}},
        "spec": spec,
        "status": {
            "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady"}],
            "allocatable": {"cpu": "4", "memory": "16Gi", "pods": "110"},
            "capacity": {"cpu": "4", "memory": "16Gi", "pods": "110"},
        },
    }


def pod_template(app: str, image: str = "nginx:1.25", **container: Any) -> Obj:
    return {
        "metadata": {"labels": {"app": app}},
        "spec": {"containers": [{"name": app, "image": image, **container}]},
    }


def workload(kind: str, name: str, image: str = "nginx:1.25", **spec: Any) -> Obj:
    """A Deployment, ReplicaSet, StatefulSet or DaemonSet selecting ``app=<name>``."""
    return {
        "apiVersion": "apps/v1",
        "kind": kind,
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "selector": {"matchLabels": {"app": name}},
            "template": pod_template(name, image),
            **spec,
        },
    }


def get(cluster: Cluster, api_version: str, kind: str, name: str) -> Obj:
    found = cluster.store.peek(cluster.resource(api_version, kind), "default", name)
    assert found is not None, f"{kind} {name} not found"
    return deep_copy(found)


def items(cluster: Cluster, api_version: str, kind: str) -> list[Obj]:
    return cluster.store.select(cluster.resource(api_version, kind), "default")


def change(cluster: Cluster, api_version: str, kind: str, name: str, edit: Any) -> None:
    """Edit an object the way a client update does (spec only; the status is kept)."""
    current = get(cluster, api_version, kind, name)
    edit(current)
    current.pop("status", None)
    cluster.store.update(cluster.resource(api_version, kind), current)


def owned_by(cluster: Cluster, api_version: str, kind: str, owner: Obj) -> list[Obj]:
    uid = owner["metadata"]["uid"]
    return [
        obj
        for obj in items(cluster, api_version, kind)
        if any(ref["uid"] == uid for ref in obj["metadata"].get("ownerReferences") or [])
    ]


def live_pods(cluster: Cluster) -> list[Obj]:
    return [
        pod for pod in items(cluster, "v1", "Pod") if not pod["metadata"].get("deletionTimestamp")
    ]


def events_of(cluster: Cluster, name: str) -> list[tuple[str, str]]:
    """(reason, message) of the events about the object ``name``, oldest first."""
    found = [e for e in items(cluster, "v1", "Event") if e["involvedObject"]["name"] == name]
    found.sort(key=lambda e: int(e["metadata"]["resourceVersion"]))
    return [(e["reason"], e["message"]) for e in found]


def condition(obj: Obj, condition_type: str) -> Obj:
    for entry in obj.get("status", {}).get("conditions") or []:
        if entry["type"] == condition_type:
            found: Obj = entry
            return found
    raise AssertionError(f"no {condition_type} condition in {obj.get('status')}")
