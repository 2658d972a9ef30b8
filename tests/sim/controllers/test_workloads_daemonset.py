"""DaemonSets: a pod on every node that fits, following nodes, rolling over revisions."""

from __future__ import annotations

from typing import Any

import pytest
from test_workloads_harness import (
    NEVER_READY,
    change,
    events_of,
    get,
    items,
    live_pods,
    new_cluster,
    node,
    workload,
)

from kubernaut.sim.cluster import Cluster
from kubernaut.sim.objects import Obj

GPU_TAINT = {"key": "gpu", "value": "true", "effect": "NoSchedule"}


@pytest.fixture
def cluster() -> Cluster:
    return new_cluster(node_count=2)


def daemon_set(**spec: Any) -> Obj:
    return workload("DaemonSet", "agent", **spec)


def nodes_with_pods(cluster: Cluster) -> list[str]:
    return sorted(p["spec"]["nodeName"] for p in live_pods(cluster))


def status(cluster: Cluster) -> Obj:
    found: Obj = get(cluster, "apps/v1", "DaemonSet", "agent")["status"]
    return found


def test_one_pod_per_node(cluster: Cluster) -> None:
    cluster.apply([daemon_set()])
    cluster.advance(5)

    assert nodes_with_pods(cluster) == ["node-1", "node-2"]
    (revision,) = items(cluster, "apps/v1", "ControllerRevision")
    pod_hash = revision["metadata"]["labels"]["controller-revision-hash"]
    assert revision["metadata"]["name"] == f"agent-{pod_hash}"
    for pod in live_pods(cluster):
        assert pod["metadata"]["name"].startswith("agent-")
        assert pod["metadata"]["labels"]["controller-revision-hash"] == pod_hash
        assert pod["metadata"]["labels"]["pod-template-generation"] == "1"
        assert pod["status"]["phase"] == "Running"
        term = pod["spec"]["affinity"]["nodeAffinity"][
            "requiredDuringSchedulingIgnoredDuringExecution"
        ]["nodeSelectorTerms"][0]
        assert term["matchFields"][0]["values"] == [pod["spec"]["nodeName"]]
        keys = {t["key"] for t in pod["spec"]["tolerations"]}
        assert "node.kubernetes.io/unschedulable" in keys
    assert status(cluster) == {
        "currentNumberScheduled": 2,
        "numberMisscheduled": 0,
        "desiredNumberScheduled": 2,
        "numberReady": 2,
        "observedGeneration": 1,
        "updatedNumberScheduled": 2,
        "numberAvailable": 2,
    }
    created = [m for reason, m in events_of(cluster, "agent") if reason == "SuccessfulCreate"]
    assert sorted(created) == sorted(
        f"Created pod: {p['metadata']['name']}" for p in live_pods(cluster)
    )


def test_taints_selectors_and_cordons(cluster: Cluster) -> None:
    cluster.apply(
        [
            node("gpu-1", taints=[GPU_TAINT], labels={"disk": "ssd"}),
            node("cordoned", unschedulable=True),
        ]
    )
    cluster.apply([daemon_set()])
    cluster.advance(5)
    # Daemon pods tolerate cordons, not other taints.
    assert nodes_with_pods(cluster) == ["cordoned", "node-1", "node-2"]
    assert status(cluster)["desiredNumberScheduled"] == 3

    def tolerate_and_select(obj: Obj) -> None:
        pod_spec = obj["spec"]["template"]["spec"]
        pod_spec["tolerations"] = [{"key": "gpu", "operator": "Exists", "effect": "NoSchedule"}]
        pod_spec["nodeSelector"] = {"disk": "ssd"}

    change(cluster, "apps/v1", "DaemonSet", "agent", tolerate_and_select)
    cluster.advance(10)
    assert nodes_with_pods(cluster) == ["gpu-1"]
    assert status(cluster)["desiredNumberScheduled"] == 1
    assert status(cluster)["numberMisscheduled"] == 0


def test_daemon_set_follows_nodes_coming_and_going(cluster: Cluster) -> None:
    cluster.apply([daemon_set()])
    cluster.advance(5)
    cluster.apply([node("node-3")])
    cluster.advance(5)
    assert nodes_with_pods(cluster) == ["node-1", "node-2", "node-3"]

    def evict(obj: Obj) -> None:
        obj["spec"]["taints"] = [{"key": "maintenance", "effect": "NoExecute"}]

    change(cluster, "v1", "Node", "node-3", evict)
    cluster.advance(5)
    assert nodes_with_pods(cluster) == ["node-1", "node-2"]
    assert status(cluster)["desiredNumberScheduled"] == 2


def test_rolling_update_replaces_one_node_at_a_time(cluster: Cluster) -> None:
    cluster.apply([node("node-3"), node("node-4"), daemon_set()])
    cluster.advance(5)

    def update(obj: Obj) -> None:
        obj["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.26"

    change(cluster, "apps/v1", "DaemonSet", "agent", update)
    for _ in range(40):
        cluster.advance(0.5)
        assert status(cluster).get("numberUnavailable", 0) <= 1  # maxUnavailable: 1
    assert all(p["spec"]["containers"][0]["image"] == "nginx:1.26" for p in live_pods(cluster))
    assert len(live_pods(cluster)) == 4
    final = status(cluster)
    assert final["updatedNumberScheduled"] == final["numberAvailable"] == 4
    assert sorted(r["revision"] for r in items(cluster, "apps/v1", "ControllerRevision")) == [1, 2]


def test_surge_starts_the_new_pod_before_stopping_the_old(cluster: Cluster) -> None:
    strategy = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}
    cluster.apply([daemon_set(updateStrategy=strategy)])
    cluster.advance(5)

    def update(obj: Obj) -> None:
        obj["spec"]["template"]["spec"]["containers"][0].update(image="nginx:1.26", **NEVER_READY)

    change(cluster, "apps/v1", "DaemonSet", "agent", update)
    cluster.advance(20)
    # The new pod never gets ready, so the old one keeps running beside it.
    assert len(live_pods(cluster)) == 3
    assert status(cluster)["numberAvailable"] == 2
