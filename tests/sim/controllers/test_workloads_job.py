"""Jobs and CronJobs: completions, retries, deadlines, clean-up, schedules on the sim clock."""

from __future__ import annotations

from typing import Any

import pytest
from test_workloads_harness import change, condition, events_of, get, items, new_cluster

from kubernaut.sim.cluster import Cluster
from kubernaut.sim.controllers.core.kubelet import EXIT_CODE_ANNOTATION, RUN_SECONDS_ANNOTATION
from kubernaut.sim.objects import Obj


@pytest.fixture
def cluster() -> Cluster:
    return new_cluster()


def job_spec(run_seconds: float = 5, exit_code: int = 0, **spec: Any) -> Obj:
    return {
        "template": {
            "metadata": {
                "annotations": {
                    RUN_SECONDS_ANNOTATION: str(run_seconds),
                    EXIT_CODE_ANNOTATION: str(exit_code),
                }
            },
            "spec": {
                "restartPolicy": "Never",
                "containers": [{"name": "work", "image": "busybox:1.36"}],
            },
        },
        **spec,
    }


def job(name: str = "batch", **spec: Any) -> Obj:
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": name, "namespace": "default"},
        "spec": job_spec(**spec),
    }


def cron_job(schedule: str = "*/5 * * * *", **spec: Any) -> Obj:
    job_options = spec.pop("job", {})
    return {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "report", "namespace": "default"},
        "spec": {"schedule": schedule, "jobTemplate": {"spec": job_spec(**job_options)}, **spec},
    }


def job_pods(cluster: Cluster, name: str = "batch") -> list[Obj]:
    return [
        p
        for p in items(cluster, "v1", "Pod")
        if p["metadata"].get("labels", {}).get("batch.kubernetes.io/job-name") == name
    ]


def running(pods: list[Obj]) -> list[Obj]:
    return [p for p in pods if p["status"].get("phase") in ("Pending", "Running")]


def test_job_runs_pods_in_parallel_until_enough_succeed(cluster: Cluster) -> None:
    cluster.apply([job(completions=3, parallelism=2)])
    cluster.advance(1)
    assert len(running(job_pods(cluster))) == 2
    batch = get(cluster, "batch/v1", "Job", "batch")
    uid = batch["metadata"]["uid"]
    assert batch["spec"]["selector"] == {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}
    pod = job_pods(cluster)[0]
    assert pod["metadata"]["name"].startswith("batch-")
    assert {
        "batch.kubernetes.io/job-name": "batch",
        "job-name": "batch",
        "batch.kubernetes.io/controller-uid": uid,
        "controller-uid": uid,
    }.items() <= pod["metadata"]["labels"].items()
    assert pod["metadata"]["finalizers"] == ["batch.kubernetes.io/job-tracking"]
    status = batch["status"]
    assert (status["active"], status["ready"], status["terminating"]) == (2, 2, 0)
    assert "startTime" in status

    cluster.advance(20)
    status = get(cluster, "batch/v1", "Job", "batch")["status"]
    assert status["succeeded"] == 3
    assert "active" not in status
    assert status["uncountedTerminatedPods"] == {}
    assert [c["type"] for c in status["conditions"]] == ["SuccessCriteriaMet", "Complete"]
    complete = condition(get(cluster, "batch/v1", "Job", "batch"), "Complete")
    assert complete["reason"] == "CompletionsReached"
    assert complete["message"] == "Reached expected number of succeeded pods"
    assert status["completionTime"] >= status["startTime"]
    pods = job_pods(cluster)
    assert len(pods) == 3
    assert all(p["status"]["phase"] == "Succeeded" for p in pods)
    assert all(not p["metadata"].get("finalizers") for p in pods)
    reasons = [reason for reason, _ in events_of(cluster, "batch")]
    assert reasons == ["SuccessfulCreate"] * 3 + ["Completed"]
    assert events_of(cluster, "batch")[-1] == ("Completed", "Job completed")


def test_failing_job_retries_with_back_off_until_the_limit(cluster: Cluster) -> None:
    cluster.apply([job(exit_code=1, backoffLimit=2)])
    cluster.advance(8)
    assert get(cluster, "batch/v1", "Job", "batch")["status"]["failed"] == 1
    assert running(job_pods(cluster)) == []  # waiting out the 10s back-off
    cluster.advance(10)
    assert len(running(job_pods(cluster))) == 1

    cluster.advance(120)
    batch = get(cluster, "batch/v1", "Job", "batch")
    assert batch["status"]["failed"] == 3
    failed = condition(batch, "Failed")
    assert (failed["reason"], failed["message"]) == (
        "BackoffLimitExceeded",
        "Job has reached the specified backoff limit",
    )
    assert condition(batch, "FailureTarget")["reason"] == "BackoffLimitExceeded"
    assert "completionTime" not in batch["status"]
    assert len(job_pods(cluster)) == 3
    assert ("BackoffLimitExceeded", "Job has reached the specified backoff limit") in events_of(
        cluster, "batch"
    )


def test_active_deadline_stops_the_job(cluster: Cluster) -> None:
    cluster.apply([job(run_seconds=1000, activeDeadlineSeconds=30)])
    cluster.advance(20)
    assert len(running(job_pods(cluster))) == 1
    cluster.advance(20)
    batch = get(cluster, "batch/v1", "Job", "batch")
    assert condition(batch, "Failed")["reason"] == "DeadlineExceeded"
    assert batch["status"]["failed"] == 1
    assert job_pods(cluster) == []


def test_finished_job_is_deleted_after_its_ttl(cluster: Cluster) -> None:
    cluster.apply([job(ttlSecondsAfterFinished=60)])
    cluster.advance(30)
    finished = get(cluster, "batch/v1", "Job", "batch")
    assert condition(finished, "Complete")["status"] == "True"
    assert "deletionTimestamp" not in finished["metadata"]

    cluster.advance(40)  # 60s after completion (at 5s)
    jobs = cluster.store.peek(cluster.resource("batch/v1", "Job"), "default", "batch")
    # Foreground deletion: the job stays, marked, until the garbage collector removed its pods.
    assert jobs is None or "foregroundDeletion" in jobs["metadata"]["finalizers"]


def test_indexed_job_completes_every_index(cluster: Cluster) -> None:
    cluster.apply([job(completions=3, parallelism=3, completionMode="Indexed")])
    cluster.advance(1)
    pods = sorted(job_pods(cluster), key=lambda p: p["metadata"]["name"])
    indexes = [
        p["metadata"]["annotations"]["batch.kubernetes.io/job-completion-index"] for p in pods
    ]
    assert indexes == ["0", "1", "2"]
    assert [p["spec"]["hostname"] for p in pods] == ["batch-0", "batch-1", "batch-2"]
    assert all(
        p["metadata"]["name"].startswith(f"batch-{i}-") for i, p in zip(indexes, pods, strict=True)
    )
    cluster.advance(20)
    status = get(cluster, "batch/v1", "Job", "batch")["status"]
    assert (status["succeeded"], status["completedIndexes"]) == (3, "0-2")


def test_suspended_job_runs_nothing_until_resumed(cluster: Cluster) -> None:
    cluster.apply([job(suspend=True)])
    cluster.advance(10)
    assert job_pods(cluster) == []
    batch = get(cluster, "batch/v1", "Job", "batch")
    assert condition(batch, "Suspended")["reason"] == "JobSuspended"
    change(cluster, "batch/v1", "Job", "batch", lambda j: j["spec"].update(suspend=False))
    cluster.advance(20)
    batch = get(cluster, "batch/v1", "Job", "batch")
    assert condition(batch, "Suspended")["status"] == "False"
    assert condition(batch, "Complete")["status"] == "True"


def test_deleting_a_job_lets_its_pods_go(cluster: Cluster) -> None:
    cluster.apply([job(run_seconds=1000)])
    cluster.advance(5)
    cluster.store.delete(cluster.resource("batch/v1", "Job"), "default", "batch")
    cluster.advance(40)
    assert job_pods(cluster) == []


# -- cron jobs ---------------------------------------------------------------------------


def test_cron_job_creates_jobs_on_schedule_and_keeps_history(cluster: Cluster) -> None:
    cluster.apply([cron_job(successfulJobsHistoryLimit=2)])
    cluster.advance(4 * 60)
    assert items(cluster, "batch/v1", "Job") == []

    cluster.advance(61)  # the clock starts at minute 28928160; the first run is 5 minutes on
    (first,) = items(cluster, "batch/v1", "Job")
    assert first["metadata"]["name"] == "report-28928165"
    assert first["metadata"]["ownerReferences"][0]["kind"] == "CronJob"
    scheduled = first["metadata"]["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"]
    assert scheduled == "2025-01-01T00:05:00Z"
    status = get(cluster, "batch/v1", "CronJob", "report")["status"]
    assert status["lastScheduleTime"] == scheduled
    assert [ref["name"] for ref in status["active"]] == ["report-28928165"]

    cluster.advance(15 * 60)  # 00:20:01: three more runs, the last one still running
    jobs = sorted(j["metadata"]["name"] for j in items(cluster, "batch/v1", "Job"))
    assert jobs == ["report-28928170", "report-28928175", "report-28928180"]
    status = get(cluster, "batch/v1", "CronJob", "report")["status"]
    assert status["lastScheduleTime"] == "2025-01-01T00:20:00Z"
    assert status["lastSuccessfulTime"] == "2025-01-01T00:15:05Z"
    messages = [message for _, message in events_of(cluster, "report")]
    assert messages[:3] == [
        "Created job report-28928165",
        "Saw completed job: report-28928165, condition: Complete",
        "Created job report-28928170",
    ]
    assert "Deleted job report-28928165" in messages


def test_forbid_skips_runs_while_one_is_active(cluster: Cluster) -> None:
    cluster.apply([cron_job("* * * * *", concurrencyPolicy="Forbid", job={"run_seconds": 150})])
    cluster.advance(4 * 60)
    jobs = items(cluster, "batch/v1", "Job")
    assert 1 < len(jobs) < 4
    assert (
        "JobAlreadyActive",
        ("Not starting job because prior execution is running and concurrency policy is Forbid"),
    ) in events_of(cluster, "report")
    active = get(cluster, "batch/v1", "CronJob", "report")["status"]["active"]
    assert len(active) == 1


def test_replace_stops_the_running_job(cluster: Cluster) -> None:
    cluster.apply([cron_job("* * * * *", concurrencyPolicy="Replace", job={"run_seconds": 1000})])
    cluster.advance(3 * 60 + 30)
    active = get(cluster, "batch/v1", "CronJob", "report")["status"]["active"]
    assert len(active) == 1
    assert len(items(cluster, "batch/v1", "Job")) == 1
    assert any(reason == "SuccessfulDelete" for reason, _ in events_of(cluster, "report"))


def test_suspended_cron_job_creates_nothing(cluster: Cluster) -> None:
    cluster.apply([cron_job("* * * * *", suspend=True)])
    cluster.advance(5 * 60)
    assert items(cluster, "batch/v1", "Job") == []


@pytest.mark.parametrize(("deadline", "expected"), [(None, ["report-28928190"]), (60, [])])
def test_missed_runs_start_late_only_within_the_starting_deadline(
    cluster: Cluster, deadline: int | None, expected: list[str]
) -> None:
    options: dict[str, Any] = {} if deadline is None else {"startingDeadlineSeconds": deadline}
    cluster.apply([cron_job(suspend=True, **options)])
    cluster.advance(31 * 60)
    change(cluster, "batch/v1", "CronJob", "report", lambda c: c["spec"].update(suspend=False))
    cluster.advance(0)
    # Resumed at 00:31: the 00:30 run is one minute late.
    assert [j["metadata"]["name"] for j in items(cluster, "batch/v1", "Job")] == expected


def test_invalid_schedule_is_reported(cluster: Cluster) -> None:
    cluster.apply([cron_job("every tuesday")])
    cluster.advance(0)
    ((reason, message),) = events_of(cluster, "report")
    assert reason == "InvalidSchedule"
    assert message.startswith("invalid schedule: every tuesday : ")
