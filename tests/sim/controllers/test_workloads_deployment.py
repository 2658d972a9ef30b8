"""Deployments and replica sets as a user sees them: rollouts, stuck rollouts, rollbacks."""

from __future__ import annotations

from typing import Any

import pytest
from test_workloads_harness import (
    NEVER_READY,
    change,
    condition,
    events_of,
    get,
    items,
    live_pods,
    new_cluster,
    owned_by,
    workload,
)

from kubernaut.sim.cluster import Cluster
from kubernaut.sim.objects import Obj

REVISION = "deployment.kubernetes.io/revision"


@pytest.fixture
def cluster() -> Cluster:
    return new_cluster()


def deployment(cluster: Cluster, name: str = "web") -> Obj:
    return get(cluster, "apps/v1", "Deployment", name)


def replica_sets(cluster: Cluster, name: str = "web") -> list[Obj]:
    """The deployment's replica sets, by revision."""
    found = owned_by(cluster, "apps/v1", "ReplicaSet", deployment(cluster, name))
    return sorted(found, key=lambda rs: int(rs["metadata"]["annotations"][REVISION]))


def set_image(image: str, **container: Any) -> Any:
    def edit(obj: Obj) -> None:
        obj["spec"]["template"]["spec"]["containers"][0].update(image=image, **container)

    return edit


def test_deployment_creates_a_replica_set_and_becomes_available(cluster: Cluster) -> None:
    cluster.apply([workload("Deployment", "web", replicas=3)])
    cluster.advance(5)

    (rs,) = replica_sets(cluster)
    pod_hash = rs["metadata"]["labels"]["pod-template-hash"]
    assert rs["metadata"]["name"] == f"web-{pod_hash}"
    assert set(pod_hash) <= set("bcdfghjklmnpqrstvwxz2456789")
    assert rs["spec"]["selector"]["matchLabels"] == {"app": "web", "pod-template-hash": pod_hash}
    assert rs["metadata"]["annotations"] == {
        REVISION: "1",
        "deployment.kubernetes.io/desired-replicas": "3",
        "deployment.kubernetes.io/max-replicas": "4",
    }
    assert rs["status"] == {
        "replicas": 3,
        "fullyLabeledReplicas": 3,
        "readyReplicas": 3,
        "availableReplicas": 3,
        "observedGeneration": 1,
    }

    web = deployment(cluster)
    assert web["metadata"]["annotations"][REVISION] == "1"
    status = web["status"]
    assert {k: status.get(k) for k in ("replicas", "updatedReplicas", "readyReplicas")} == {
        "replicas": 3,
        "updatedReplicas": 3,
        "readyReplicas": 3,
    }
    assert status["availableReplicas"] == 3
    assert "unavailableReplicas" not in status
    assert status["observedGeneration"] == web["metadata"]["generation"]
    assert [c["type"] for c in status["conditions"]] == ["Available", "Progressing"]
    assert condition(web, "Available")["reason"] == "MinimumReplicasAvailable"
    progressing = condition(web, "Progressing")
    assert progressing["reason"] == "NewReplicaSetAvailable"
    assert (
        progressing["message"]
        == f'ReplicaSet "{rs["metadata"]["name"]}" has successfully progressed.'
    )

    pods = live_pods(cluster)
    assert len(pods) == 3
    assert all(p["metadata"]["name"].startswith(f"{rs['metadata']['name']}-") for p in pods)
    assert all(p["status"]["phase"] == "Running" for p in pods)
    assert all(p["metadata"]["labels"]["pod-template-hash"] == pod_hash for p in pods)
    assert events_of(cluster, "web") == [
        ("ScalingReplicaSet", f"Scaled up replica set {rs['metadata']['name']} from 0 to 3")
    ]
    created = [message for reason, message in events_of(cluster, rs["metadata"]["name"])]
    assert sorted(created) == sorted(f"Created pod: {p['metadata']['name']}" for p in pods)


def test_rolling_update_stays_within_surge_and_unavailability(cluster: Cluster) -> None:
    cluster.apply([workload("Deployment", "web", replicas=4)])
    cluster.advance(5)
    old_name = replica_sets(cluster)[0]["metadata"]["name"]

    change(cluster, "apps/v1", "Deployment", "web", set_image("nginx:1.26"))
    for _ in range(20):
        cluster.advance(0.5)
        pods = live_pods(cluster)
        ready = [p for p in pods if _ready(p)]
        assert len(pods) <= 5  # 4 + maxSurge 25% (rounded up: 1)
        assert len(ready) >= 3  # 4 - maxUnavailable 25% (rounded down: 1)

    old, new = replica_sets(cluster)
    assert old["metadata"]["name"] == old_name
    assert (old["spec"]["replicas"], new["spec"]["replicas"]) == (0, 4)
    assert new["metadata"]["annotations"][REVISION] == "2"
    web = deployment(cluster)
    assert web["metadata"]["annotations"][REVISION] == "2"
    assert web["status"]["updatedReplicas"] == 4
    assert web["status"]["replicas"] == 4
    assert condition(web, "Progressing")["reason"] == "NewReplicaSetAvailable"
    assert all(p["spec"]["containers"][0]["image"] == "nginx:1.26" for p in live_pods(cluster))
    messages = [message for reason, message in events_of(cluster, "web")]
    new_name = new["metadata"]["name"]
    assert messages[1] == f"Scaled up replica set {new_name} from 0 to 1"
    assert f"Scaled down replica set {old_name} to 3 from 4" in messages
    assert messages[-1] == f"Scaled down replica set {old_name} to 0 from 1"


def test_stuck_rollout_keeps_old_pods_until_the_deadline(cluster: Cluster) -> None:
    cluster.apply([workload("Deployment", "web", replicas=3, progressDeadlineSeconds=120)])
    cluster.advance(5)
    change(cluster, "apps/v1", "Deployment", "web", set_image("nginx:broken", **NEVER_READY))
    cluster.advance(30)

    old, new = replica_sets(cluster)
    assert (old["spec"]["replicas"], new["spec"]["replicas"]) == (3, 1)
    assert old["status"]["readyReplicas"] == 3
    assert "readyReplicas" not in new["status"]
    web = deployment(cluster)
    assert web["status"]["unavailableReplicas"] == 1
    assert condition(web, "Available")["status"] == "True"
    progressing = condition(web, "Progressing")
    assert (progressing["status"], progressing["reason"]) == ("True", "ReplicaSetUpdated")
    assert progressing["message"] == f'ReplicaSet "{new["metadata"]["name"]}" is progressing.'

    cluster.advance(120)
    web = deployment(cluster)
    progressing = condition(web, "Progressing")
    assert (progressing["status"], progressing["reason"]) == ("False", "ProgressDeadlineExceeded")
    assert progressing["message"] == (
        f'ReplicaSet "{new["metadata"]["name"]}" has timed out progressing.'
    )
    assert len([p for p in live_pods(cluster) if _ready(p)]) == 3


def test_rollback_reuses_the_old_replica_set_with_the_next_revision(cluster: Cluster) -> None:
    cluster.apply([workload("Deployment", "web", replicas=2)])
    cluster.advance(5)
    first = replica_sets(cluster)[0]
    change(cluster, "apps/v1", "Deployment", "web", set_image("nginx:1.26"))
    cluster.advance(10)

    # What `kubectl rollout undo` does: put revision 1's template back.
    def undo(obj: Obj) -> None:
        template = first["spec"]["template"]
        template["metadata"]["labels"].pop("pod-template-hash")
        obj["spec"]["template"] = template

    change(cluster, "apps/v1", "Deployment", "web", undo)
    cluster.advance(10)

    sets = replica_sets(cluster)
    assert len(sets) == 2
    second, reused = sets
    assert reused["metadata"]["name"] == first["metadata"]["name"]
    assert reused["metadata"]["annotations"][REVISION] == "3"
    assert reused["metadata"]["annotations"]["deployment.kubernetes.io/revision-history"] == "1"
    assert (second["spec"]["replicas"], reused["spec"]["replicas"]) == (0, 2)
    assert deployment(cluster)["metadata"]["annotations"][REVISION] == "3"
    assert f"Scaled up replica set {first['metadata']['name']} to 1 from 0" in [
        message for _, message in events_of(cluster, "web")
    ]


def test_recreate_stops_every_old_pod_before_starting_new_ones(cluster: Cluster) -> None:
    cluster.apply([workload("Deployment", "web", replicas=3, strategy={"type": "Recreate"})])
    cluster.advance(5)
    change(cluster, "apps/v1", "Deployment", "web", set_image("nginx:1.26"))
    cluster.advance(0)

    assert len(replica_sets(cluster)) == 1
    assert replica_sets(cluster)[0]["spec"]["replicas"] == 0
    terminating = [p for p in items(cluster, "v1", "Pod") if p["metadata"].get("deletionTimestamp")]
    assert len(terminating) == 3

    cluster.advance(10)
    old, new = replica_sets(cluster)
    assert (old["spec"]["replicas"], new["spec"]["replicas"]) == (0, 3)
    assert len(live_pods(cluster)) == 3
    assert condition(deployment(cluster), "Progressing")["reason"] == "NewReplicaSetAvailable"


def test_scaling_a_rollout_in_progress_is_proportional(cluster: Cluster) -> None:
    cluster.apply([workload("Deployment", "web", replicas=3)])
    cluster.advance(5)
    change(cluster, "apps/v1", "Deployment", "web", set_image("nginx:broken", **NEVER_READY))
    cluster.advance(5)

    change(cluster, "apps/v1", "Deployment", "web", lambda d: d["spec"].update(replicas=6))
    cluster.advance(5)

    # 6 replicas allow 8 pods (surge 2): the 3+1 split first scales to 6+2 ...
    old, new = replica_sets(cluster)
    messages = [message for _, message in events_of(cluster, "web")]
    assert f"Scaled up replica set {old['metadata']['name']} to 6 from 3" in messages
    assert f"Scaled up replica set {new['metadata']['name']} to 2 from 1" in messages
    # ... then, as in a real cluster, the old set's pods that are not up yet are traded for
    # one more new pod, within maxUnavailable (1).
    assert (old["spec"]["replicas"], new["spec"]["replicas"]) == (5, 3)
    for rs in (old, new):
        assert rs["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"] == "6"
        assert rs["metadata"]["annotations"]["deployment.kubernetes.io/max-replicas"] == "8"


def test_paused_deployment_waits_to_roll_out(cluster: Cluster) -> None:
    cluster.apply([workload("Deployment", "web", replicas=2)])
    cluster.advance(5)
    change(cluster, "apps/v1", "Deployment", "web", lambda d: d["spec"].update(paused=True))
    change(cluster, "apps/v1", "Deployment", "web", set_image("nginx:1.26"))
    cluster.advance(10)

    assert len(replica_sets(cluster)) == 1
    progressing = condition(deployment(cluster), "Progressing")
    assert (progressing["status"], progressing["reason"]) == ("Unknown", "DeploymentPaused")
    assert deployment(cluster)["status"]["observedGeneration"] == 3

    change(cluster, "apps/v1", "Deployment", "web", lambda d: d["spec"].update(paused=False))
    cluster.advance(10)
    assert [rs["spec"]["replicas"] for rs in replica_sets(cluster)] == [0, 2]
    assert condition(deployment(cluster), "Progressing")["reason"] == "NewReplicaSetAvailable"


def test_old_replica_sets_beyond_the_history_limit_are_deleted(cluster: Cluster) -> None:
    cluster.apply([workload("Deployment", "web", replicas=1, revisionHistoryLimit=1)])
    cluster.advance(5)
    for version in ("1.26", "1.27", "1.28"):
        change(cluster, "apps/v1", "Deployment", "web", set_image(f"nginx:{version}"))
        cluster.advance(10)

    sets = replica_sets(cluster)
    assert [rs["metadata"]["annotations"][REVISION] for rs in sets] == ["3", "4"]
    assert sets[1]["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.28"


def test_change_cause_annotation_is_copied_to_the_replica_set(cluster: Cluster) -> None:
    manifest = workload("Deployment", "web", replicas=1)
    manifest["metadata"]["annotations"] = {"kubernetes.io/change-cause": "first release"}
    cluster.apply([manifest])
    cluster.advance(5)
    annotations = replica_sets(cluster)[0]["metadata"]["annotations"]
    assert annotations["kubernetes.io/change-cause"] == "first release"


def test_replica_set_replaces_deleted_pods(cluster: Cluster) -> None:
    cluster.apply([workload("ReplicaSet", "cache", replicas=2)])
    cluster.advance(5)
    victim = live_pods(cluster)[0]["metadata"]["name"]
    cluster.store.delete(cluster.resource("v1", "Pod"), "default", victim)
    cluster.advance(5)

    pods = live_pods(cluster)
    assert len(pods) == 2
    assert victim not in {p["metadata"]["name"] for p in pods}
    rs = get(cluster, "apps/v1", "ReplicaSet", "cache")
    assert rs["status"]["readyReplicas"] == 2
    reasons = [reason for reason, _ in events_of(cluster, "cache")]
    assert reasons.count("SuccessfulCreate") == 3

    change(cluster, "apps/v1", "ReplicaSet", "cache", lambda r: r["spec"].update(replicas=0))
    cluster.advance(5)
    assert live_pods(cluster) == []
    assert get(cluster, "apps/v1", "ReplicaSet", "cache")["status"] == {
        "replicas": 0,
        "observedGeneration": 2,
    }
    assert [reason for reason, _ in events_of(cluster, "cache")].count("SuccessfulDelete") == 2


def test_min_ready_seconds_delays_availability(cluster: Cluster) -> None:
    cluster.apply([workload("ReplicaSet", "cache", replicas=2, minReadySeconds=30)])
    cluster.advance(5)
    status = get(cluster, "apps/v1", "ReplicaSet", "cache")["status"]
    assert status["readyReplicas"] == 2
    assert "availableReplicas" not in status
    cluster.advance(30)
    assert get(cluster, "apps/v1", "ReplicaSet", "cache")["status"]["availableReplicas"] == 2


def _ready(pod: Obj) -> bool:
    return any(
        c["type"] == "Ready" and c["status"] == "True"
        for c in pod.get("status", {}).get("conditions") or []
    )
