"""The cron job controller: create Jobs at the schedule's times on the simulated clock.

Each pass tidies the status (finished jobs leave ``active``, ``lastSuccessfulTime``
follows successes), prunes finished jobs beyond the history limits, then starts the
most recent missed run, if any, named ``<cronjob>-<minutes since the epoch>`` and
honouring ``suspend``, ``startingDeadlineSeconds`` and ``concurrencyPolicy``. It
requeues itself for the next scheduled time.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kubernaut.sim.clock import format_time, parse_time
from kubernaut.sim.controllers.base import BaseController
from kubernaut.sim.controllers.manager import Key, Mapper, controller_owner, same_object
from kubernaut.sim.controllers.workloads.conditions import condition_true
from kubernaut.sim.controllers.workloads.cron import parse_schedule
from kubernaut.sim.controllers.workloads.job_sync import is_finished
from kubernaut.sim.controllers.workloads.pods import owned
from kubernaut.sim.errors import ApiError
from kubernaut.sim.objects import (
    Obj,
    deep_copy,
    is_deleting,
    name_of,
    namespace_of,
    owner_reference,
)

if TYPE_CHECKING:
    from kubernaut.sim.cluster import Cluster

SCHEDULED_TIMESTAMP = "batch.kubernetes.io/cronjob-scheduled-timestamp"
_REQUEUE_MARGIN = 0.1


def _job_reference(job: Obj) -> Obj:
    metadata = job["metadata"]
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "name": metadata["name"],
        "namespace": metadata.get("namespace", ""),
        "uid": metadata["uid"],
        "resourceVersion": metadata.get("resourceVersion", ""),
    }


def _rfc3339(moment: datetime) -> str:
    if moment.utcoffset() == timedelta(0):
        return format_time(moment)
    return moment.isoformat()


def _start_key(job: Obj) -> tuple[str, str]:
    status = job.get("status") or {}
    return (
        str(status.get("startTime") or job["metadata"].get("creationTimestamp", "")),
        name_of(job),
    )


class CronJobController(BaseController):
    name = "cronjob-controller"

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.cronjobs = self.kind("batch/v1", "CronJob")
        self.jobs = self.kind("batch/v1", "Job")

    def watches(self) -> Iterable[tuple[str, Mapper]]:
        return [(self.cronjobs.key, same_object), (self.jobs.key, controller_owner("CronJob"))]

    def reconcile(self, key: Key) -> float | None:
        cronjob = self.store.peek(self.cronjobs, *key)
        if cronjob is None or is_deleting(cronjob):
            return None
        jobs = owned(self.store, self.jobs, cronjob)
        status = deep_copy(cronjob.get("status") or {})
        self._track_jobs(cronjob, jobs, status)
        self._prune_history(cronjob, jobs)
        wait = self._schedule(cronjob, status)
        if not status.get("active"):
            status.pop("active", None)

        def change(obj: Obj) -> None:
            obj["status"] = status

        self.store.mutate(self.cronjobs, *key, change)
        return wait

    # -- bookkeeping -------------------------------------------------------------------

    def _track_jobs(self, cronjob: Obj, jobs: list[Obj], status: Obj) -> None:
        active = list(status.get("active") or [])
        active_uids = {ref.get("uid") for ref in active}
        for job in jobs:
            uid = job["metadata"]["uid"]
            finished = is_finished(job)
            if uid not in active_uids and not finished:
                self.event(
                    cronjob,
                    "Warning",
                    "UnexpectedJob",
                    f"Saw a job that the controller did not create or forgot: {name_of(job)}",
                )
            elif uid in active_uids and finished:
                active = [ref for ref in active if ref.get("uid") != uid]
                outcome = "Complete" if _succeeded(job) else "Failed"
                self.event(
                    cronjob,
                    "Normal",
                    "SawCompletedJob",
                    f"Saw completed job: {name_of(job)}, condition: {outcome}",
                )
            completed = (job.get("status") or {}).get("completionTime")
            if _succeeded(job) and completed:
                last = status.get("lastSuccessfulTime")
                if last is None or parse_time(completed) > parse_time(last):
                    status["lastSuccessfulTime"] = completed
        present = {job["metadata"]["uid"] for job in jobs}
        for ref in list(active):
            if ref.get("uid") not in present:
                active.remove(ref)
                self.event(
                    cronjob, "Normal", "MissingJob", f"Active job went missing: {ref.get('name')}"
                )
        status["active"] = active

    def _prune_history(self, cronjob: Obj, jobs: list[Obj]) -> None:
        spec = cronjob["spec"]
        finished = [job for job in jobs if is_finished(job) and not is_deleting(job)]
        for succeeded, field, default in (
            (True, "successfulJobsHistoryLimit", 3),
            (False, "failedJobsHistoryLimit", 1),
        ):
            limit = int(spec.get(field, default))
            kept = sorted((j for j in finished if _succeeded(j) == succeeded), key=_start_key)
            for job in kept[: max(len(kept) - limit, 0)]:
                self._delete_job(cronjob, job)

    def _delete_job(self, cronjob: Obj, job: Obj) -> None:
        try:
            self.store.delete(self.jobs, namespace_of(job), name_of(job), propagation="Background")
        except ApiError:
            return
        self.event(cronjob, "Normal", "SuccessfulDelete", f"Deleted job {name_of(job)}")

    # -- scheduling --------------------------------------------------------------------

    def _schedule(self, cronjob: Obj, status: Obj) -> float | None:
        """Start the latest missed run, if allowed; seconds until the next one."""
        spec = cronjob["spec"]
        if spec.get("suspend"):
            return None
        try:
            schedule = parse_schedule(str(spec.get("schedule", "")))
        except ValueError as error:
            self.event(
                cronjob,
                "Warning",
                "InvalidSchedule",
                f"invalid schedule: {spec.get('schedule')} : {error}",
            )
            return None
        zone = _zone(spec.get("timeZone"))
        if zone is None:
            self.event(
                cronjob, "Warning", "UnknownTimeZone", f"invalid timeZone: {spec.get('timeZone')}"
            )
            return None
        now = self.clock.now().astimezone(zone)
        earliest = parse_time(
            status.get("lastScheduleTime") or cronjob["metadata"]["creationTimestamp"]
        ).astimezone(zone)
        deadline = spec.get("startingDeadlineSeconds")
        if deadline is not None:
            earliest = max(earliest, now - timedelta(seconds=int(deadline)))
        upcoming = schedule.next_after(now)
        wait = None if upcoming is None else (upcoming - now).total_seconds() + _REQUEUE_MARGIN
        scheduled = schedule.latest_between(earliest, now)
        if scheduled is None:
            return wait
        active = status.get("active") or []
        policy = spec.get("concurrencyPolicy", "Allow")
        if policy == "Forbid" and active:
            self.event(
                cronjob,
                "Normal",
                "JobAlreadyActive",
                "Not starting job because prior execution is running and concurrency policy is "
                "Forbid",
            )
            return wait
        if policy == "Replace":
            for ref in active:
                job = self.store.peek(self.jobs, namespace_of(cronjob), ref.get("name", ""))
                if job is not None:
                    self._delete_job(cronjob, job)
            status["active"] = []
        job = self._create_job(cronjob, scheduled)
        if job is not None:
            status["active"] = [*status.get("active", []), _job_reference(job)]
            status["lastScheduleTime"] = format_time(scheduled)
        return wait

    def _create_job(self, cronjob: Obj, scheduled: datetime) -> Obj | None:
        template = cronjob["spec"].get("jobTemplate") or {}
        template_meta = template.get("metadata") or {}
        name = f"{name_of(cronjob)}-{int(scheduled.timestamp()) // 60}"
        metadata: Obj = {
            "name": name,
            "namespace": namespace_of(cronjob),
            "annotations": {
                **(template_meta.get("annotations") or {}),
                SCHEDULED_TIMESTAMP: _rfc3339(scheduled),
            },
            "ownerReferences": [owner_reference(cronjob)],
        }
        if template_meta.get("labels"):
            metadata["labels"] = dict(template_meta["labels"])
        manifest = {"metadata": metadata, "spec": deep_copy(template.get("spec") or {})}
        try:
            job = self.store.create(self.jobs, manifest)
        except ApiError as error:
            if error.code == 409:
                return self.store.peek(self.jobs, namespace_of(cronjob), name)
            self.event(cronjob, "Warning", "FailedCreate", f"Error creating job: {error.message}")
            return None
        self.event(cronjob, "Normal", "SuccessfulCreate", f"Created job {name}")
        return job


def _succeeded(job: Obj) -> bool:
    return condition_true(job.get("status") or {}, "Complete")


def _zone(name: str | None) -> tzinfo | None:
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
