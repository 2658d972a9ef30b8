"""StatefulSets: ordinal pods created and removed in order, claims per ordinal, revisions."""

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
    workload,
)

from kubernaut.sim.cluster import Cluster
from kubernaut.sim.objects import Obj

CLAIM_TEMPLATE = {
    "metadata": {"name": "data"},
    "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
}


@pytest.fixture
def cluster() -> Cluster:
    return new_cluster()


def stateful_set(replicas: int = 3, **spec: Any) -> Obj:
    return workload(
        "StatefulSet",
        "db",
        replicas=replicas,
        serviceName="db",
        volumeClaimTemplates=[CLAIM_TEMPLATE],
        **spec,
    )


def pod_names(cluster: Cluster) -> list[str]:
    return sorted(p["metadata"]["name"] for p in live_pods(cluster))


def revisions(cluster: Cluster) -> list[Obj]:
    return sorted(items(cluster, "apps/v1", "ControllerRevision"), key=lambda r: r["revision"])


def test_pods_are_created_one_ordinal_at_a_time(cluster: Cluster) -> None:
    cluster.apply([stateful_set()])
    cluster.advance(0)
    assert pod_names(cluster) == ["db-0"]  # db-1 waits for db-0 to be ready
    cluster.advance(10)
    assert pod_names(cluster) == ["db-0", "db-1", "db-2"]

    (revision,) = revisions(cluster)
    assert revision["revision"] == 1
    assert revision["metadata"]["name"].startswith("db-")
    assert revision["data"]["spec"]["template"]["$patch"] == "replace"
    pod = get(cluster, "v1", "Pod", "db-1")
    assert pod["metadata"]["labels"] == {
        "app": "db",
        "statefulset.kubernetes.io/pod-name": "db-1",
        "apps.kubernetes.io/pod-index": "1",
        "controller-revision-hash": revision["metadata"]["name"],
    }
    assert pod["spec"]["hostname"] == "db-1"
    assert pod["spec"]["subdomain"] == "db"
    assert pod["spec"]["volumes"][0] == {
        "name": "data",
        "persistentVolumeClaim": {"claimName": "data-db-1"},
    }
    claims = sorted(c["metadata"]["name"] for c in items(cluster, "v1", "PersistentVolumeClaim"))
    assert claims == ["data-db-0", "data-db-1", "data-db-2"]
    assert get(cluster, "v1", "PersistentVolumeClaim", "data-db-0")["metadata"]["labels"] == {
        "app": "db"
    }

    status = get(cluster, "apps/v1", "StatefulSet", "db")["status"]
    name = revision["metadata"]["name"]
    assert status == {
        "observedGeneration": 1,
        "replicas": 3,
        "readyReplicas": 3,
        "currentReplicas": 3,
        "updatedReplicas": 3,
        "availableReplicas": 3,
        "currentRevision": name,
        "updateRevision": name,
        "collisionCount": 0,
    }
    assert events_of(cluster, "db") == [
        ("SuccessfulCreate", message)
        for n in range(3)
        for message in (
            f"create Claim data-db-{n} Pod db-{n} in StatefulSet db success",
            f"create Pod db-{n} in StatefulSet db successful",
        )
    ]


def test_ordered_creation_stops_at_a_pod_that_never_gets_ready(cluster: Cluster) -> None:
    manifest = stateful_set()
    manifest["spec"]["template"]["spec"]["containers"][0].update(NEVER_READY)
    cluster.apply([manifest])
    cluster.advance(30)
    assert pod_names(cluster) == ["db-0"]
    assert get(cluster, "apps/v1", "StatefulSet", "db")["status"]["replicas"] == 1


def test_parallel_pods_start_together(cluster: Cluster) -> None:
    cluster.apply([stateful_set(podManagementPolicy="Parallel")])
    cluster.advance(0)
    assert pod_names(cluster) == ["db-0", "db-1", "db-2"]


def test_scale_down_removes_the_highest_ordinal_first_and_keeps_claims(cluster: Cluster) -> None:
    cluster.apply([stateful_set()])
    cluster.advance(10)
    change(cluster, "apps/v1", "StatefulSet", "db", lambda s: s["spec"].update(replicas=1))
    cluster.advance(0)
    assert pod_names(cluster) == ["db-0", "db-1"]  # db-2 terminating, db-1 waits for it
    cluster.advance(10)
    assert pod_names(cluster) == ["db-0"]
    deletions = [m for reason, m in events_of(cluster, "db") if reason == "SuccessfulDelete"]
    assert deletions == [
        "delete Pod db-2 in StatefulSet db successful",
        "delete Pod db-1 in StatefulSet db successful",
    ]
    assert len(items(cluster, "v1", "PersistentVolumeClaim")) == 3


def test_rolling_update_replaces_pods_from_the_highest_ordinal(cluster: Cluster) -> None:
    cluster.apply([stateful_set()])
    cluster.advance(10)
    first = revisions(cluster)[0]["metadata"]["name"]

    def update(obj: Obj) -> None:
        obj["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.26"

    change(cluster, "apps/v1", "StatefulSet", "db", update)
    cluster.advance(0)
    status = get(cluster, "apps/v1", "StatefulSet", "db")["status"]
    second = revisions(cluster)[1]["metadata"]["name"]
    assert (status["currentRevision"], status["updateRevision"]) == (first, second)
    assert pod_names(cluster) == ["db-0", "db-1"]

    cluster.advance(30)
    deletions = [m for reason, m in events_of(cluster, "db") if reason == "SuccessfulDelete"]
    assert deletions == [f"delete Pod db-{n} in StatefulSet db successful" for n in (2, 1, 0)]
    pods = live_pods(cluster)
    assert {p["metadata"]["labels"]["controller-revision-hash"] for p in pods} == {second}
    status = get(cluster, "apps/v1", "StatefulSet", "db")["status"]
    assert status["currentRevision"] == status["updateRevision"] == second
    assert status["updatedReplicas"] == status["currentReplicas"] == 3
    assert [r["revision"] for r in revisions(cluster)] == [1, 2]


def test_partition_keeps_lower_ordinals_on_the_old_revision(cluster: Cluster) -> None:
    cluster.apply(
        [stateful_set(updateStrategy={"type": "RollingUpdate", "rollingUpdate": {"partition": 2}})]
    )
    cluster.advance(10)

    def update(obj: Obj) -> None:
        obj["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.26"

    change(cluster, "apps/v1", "StatefulSet", "db", update)
    cluster.advance(30)
    images = {
        p["metadata"]["name"]: p["spec"]["containers"][0]["image"] for p in live_pods(cluster)
    }
    assert images == {"db-0": "nginx:1.25", "db-1": "nginx:1.25", "db-2": "nginx:1.26"}
    status = get(cluster, "apps/v1", "StatefulSet", "db")["status"]
    assert (status["currentReplicas"], status["updatedReplicas"]) == (2, 1)
    assert status["currentRevision"] != status["updateRevision"]


def test_going_back_to_an_old_template_reuses_its_revision(cluster: Cluster) -> None:
    cluster.apply([stateful_set(replicas=1)])
    cluster.advance(10)

    def image(name: str) -> Any:
        def edit(obj: Obj) -> None:
            obj["spec"]["template"]["spec"]["containers"][0]["image"] = name

        return edit

    change(cluster, "apps/v1", "StatefulSet", "db", image("nginx:1.26"))
    cluster.advance(10)
    change(cluster, "apps/v1", "StatefulSet", "db", image("nginx:1.25"))
    cluster.advance(10)
    found = revisions(cluster)
    assert len(found) == 2
    assert found[-1]["revision"] == 3
    assert found[-1]["data"]["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.25"
