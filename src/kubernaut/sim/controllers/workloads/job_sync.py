"""One pass of the job controller over a running job.

Finished pods are counted first. Once the success or failure criteria are met the job
gets a ``SuccessCriteriaMet`` / ``FailureTarget`` condition, its remaining pods are
stopped, and when none is left running it is marked ``Complete`` or ``Failed``, as
Kubernetes 1.31+ does. Until then pods are created up to ``parallelism``; replacements
after failures wait an exponential back-off (10s, 20s, ... capped at ten minutes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kubernaut.sim.clock import format_time, parse_time
from kubernaut.sim.controllers.workloads.conditions import condition_true, find_condition, omit_zero
from kubernaut.sim.controllers.workloads.job_indexes import (
    COMPLETION_INDEX,
    format_indexes,
    parse_indexes,
)
from kubernaut.sim.controllers.workloads.pods import (
    is_active,
    is_ready,
    is_terminal,
    owned,
    phase,
    pod_from_template,
    restart_count,
)
from kubernaut.sim.controllers.workloads.replicaset import deletion_order
from kubernaut.sim.errors import ApiError
from kubernaut.sim.objects import Obj, annotations_of, deep_copy, is_deleting, name_of, namespace_of

if TYPE_CHECKING:
    from kubernaut.sim.controllers.workloads.job import JobController

TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking"

_BACKOFF_BASE = 10.0
_BACKOFF_MAX = 600.0
_SUCCESS = ("CompletionsReached", "Reached expected number of succeeded pods")
_BACKOFF_EXCEEDED = ("BackoffLimitExceeded", "Job has reached the specified backoff limit")
_DEADLINE_EXCEEDED = ("DeadlineExceeded", "Job was active longer than specified deadline")
_OPTIONAL_FIELDS = ("active", "succeeded", "failed", "completedIndexes")


def is_finished(job: Obj) -> bool:
    status = job.get("status") or {}
    return condition_true(status, "Complete") or condition_true(status, "Failed")


def has_tracking(pod: Obj) -> bool:
    return TRACKING_FINALIZER in (pod["metadata"].get("finalizers") or [])


def _index_of(pod: Obj) -> int | None:
    text = annotations_of(pod).get(COMPLETION_INDEX, "")
    return int(text) if text.isdigit() else None


def _job_condition(condition_type: str, status: str, reason: str, message: str, stamp: str) -> Obj:
    return {
        "type": condition_type,
        "status": status,
        "lastProbeTime": stamp,
        "lastTransitionTime": stamp,
        "reason": reason,
        "message": message,
    }


class JobSync:
    """One pass over a running job; the status is written once, at the end."""

    def __init__(self, controller: JobController, job: Obj, pods: list[Obj]) -> None:
        self.controller = controller
        self.store = controller.store
        self.job = job
        self.uid: str = job["metadata"]["uid"]
        self.pods = pods
        self.spec: Obj = job["spec"]
        self.now = controller.clock.now()
        self.stamp = format_time(self.now)
        self.status = deep_copy(job.get("status") or {})
        self.indexed = self.spec.get("completionMode") == "Indexed"
        self.counted: list[Obj] = []
        self.waits: list[float] = []

    def run(self) -> float | None:
        self.account()
        target = self.finishing_condition()
        if target is None:
            if self.spec.get("suspend"):
                self.suspend()
            else:
                self.start()
                target = self.check_criteria()
                if target is None:
                    self.manage()
        if target is not None:
            self.finish(target)
        self.write()
        self.controller.release(self.counted)
        return min(self.waits, default=None)

    # -- counting ----------------------------------------------------------------------

    def account(self) -> None:
        """Count finished pods still carrying the tracking finalizer into the status."""
        completions = self.spec.get("completions")
        completed = parse_indexes(self.status.get("completedIndexes"))
        before = len(completed)
        succeeded = failed = 0
        ignore_stopped = bool(self.spec.get("suspend")) or condition_true(
            self.status, "SuccessCriteriaMet"
        )
        for pod in self.pods:
            if not has_tracking(pod):
                continue
            if phase(pod) == "Succeeded":
                index = _index_of(pod)
                if not self.indexed:
                    succeeded += 1
                elif index is not None and (completions is None or index < completions):
                    completed.add(index)
                self.counted.append(pod)
            elif phase(pod) == "Failed" or is_deleting(pod):
                if phase(pod) == "Failed" or not ignore_stopped:
                    failed += 1
                self.counted.append(pod)
        if self.indexed:
            self.status["completedIndexes"] = format_indexes(completed)
            self.status["succeeded"] = len(completed)
            succeeded = len(completed) - before
        else:
            self.status["succeeded"] = int(self.status.get("succeeded") or 0) + succeeded
        self.status["failed"] = int(self.status.get("failed") or 0) + failed
        streak, last = self.controller.failures.get(self.uid, (0, self.now))
        if succeeded:
            streak = 0
        if failed:
            streak, last = streak + failed, self.now
        self.controller.failures[self.uid] = (streak, last)

    def active(self) -> list[Obj]:
        return [pod for pod in self.pods if is_active(pod)]

    # -- conditions --------------------------------------------------------------------

    def finishing_condition(self) -> Obj | None:
        for condition_type in ("FailureTarget", "SuccessCriteriaMet"):
            condition = find_condition(self.status, condition_type)
            if condition is not None and condition.get("status") == "True":
                return condition
        return None

    def add_condition(self, condition_type: str, reason: str, message: str) -> Obj:
        condition = _job_condition(condition_type, "True", reason, message, self.stamp)
        self.status.setdefault("conditions", []).append(condition)
        return condition

    def check_criteria(self) -> Obj | None:
        """Set SuccessCriteriaMet or FailureTarget when the job has succeeded or failed."""
        active = self.active()
        failed = int(self.status.get("failed") or 0)
        succeeded = int(self.status.get("succeeded") or 0)
        backoff_limit = int(self.spec.get("backoffLimit", 6))
        if failed > backoff_limit or self._restarts_exceed(active, backoff_limit):
            return self.add_condition("FailureTarget", *_BACKOFF_EXCEEDED)
        deadline = self.spec.get("activeDeadlineSeconds")
        if deadline is not None and self.status.get("startTime"):
            remaining = (parse_time(self.status["startTime"]) - self.now).total_seconds() + int(
                deadline
            )
            if remaining <= 0:
                return self.add_condition("FailureTarget", *_DEADLINE_EXCEEDED)
            self.waits.append(remaining)
        completions = self.spec.get("completions")
        if (completions is not None and succeeded >= int(completions)) or (
            completions is None and succeeded > 0 and not active
        ):
            return self.add_condition("SuccessCriteriaMet", *_SUCCESS)
        return None

    def _restarts_exceed(self, active: list[Obj], limit: int) -> bool:
        """With ``restartPolicy: OnFailure`` container restarts count against the limit."""
        template_spec = (self.spec.get("template") or {}).get("spec") or {}
        if template_spec.get("restartPolicy") != "OnFailure":
            return False
        restarts = sum(restart_count(pod) for pod in active)
        return restarts > 0 if limit == 0 else restarts >= limit

    def finish(self, target: Obj) -> None:
        """Stop what still runs; once nothing does, mark the job Complete or Failed."""
        self.controller.delete_pods(self.job, self.active())
        pods = owned(self.store, self.controller.pods, self.job)
        if any(not is_terminal(pod) for pod in pods):
            return
        reason, message = target.get("reason", ""), target.get("message", "")
        if target["type"] == "SuccessCriteriaMet":
            self.add_condition("Complete", reason, message)
            self.status["completionTime"] = self.stamp
            self.controller.event(self.job, "Normal", "Completed", "Job completed")
        else:
            self.add_condition("Failed", reason, message)
            self.controller.event(self.job, "Warning", reason, message)

    def suspend(self) -> None:
        self.controller.delete_pods(self.job, self.active())
        if condition_true(self.status, "Suspended"):
            return
        self._set_suspended("True", "JobSuspended", "Job suspended")
        self.controller.event(self.job, "Normal", "Suspended", "Job suspended")

    def start(self) -> None:
        """Resume a suspended job (its clock restarts) and note when the job started."""
        if condition_true(self.status, "Suspended"):
            self._set_suspended("False", "JobResumed", "Job resumed")
            self.controller.event(self.job, "Normal", "Resumed", "Job resumed")
            self.status["startTime"] = self.stamp
        self.status.setdefault("startTime", self.stamp)

    def _set_suspended(self, status: str, reason: str, message: str) -> None:
        condition = _job_condition("Suspended", status, reason, message, self.stamp)
        conditions = self.status.setdefault("conditions", [])
        for index, existing in enumerate(conditions):
            if existing.get("type") == "Suspended":
                conditions[index] = condition
                return
        conditions.append(condition)

    # -- pods --------------------------------------------------------------------------

    def manage(self) -> None:
        active = self.active()
        parallelism = int(self.spec.get("parallelism", 1))
        if self.indexed:
            self._manage_indexed(active, parallelism)
            return
        completions = self.spec.get("completions")
        succeeded = int(self.status.get("succeeded") or 0)
        if completions is None:
            wanted = parallelism if succeeded == 0 else min(len(active), parallelism)
        else:
            wanted = max(min(parallelism, int(completions) - succeeded), 0)
        if len(active) > wanted:
            self.controller.delete_pods(self.job, deletion_order(active)[: len(active) - wanted])
        elif len(active) < wanted and self._backoff_over():
            for _ in range(wanted - len(active)):
                self._create(None)

    def _manage_indexed(self, active: list[Obj], parallelism: int) -> None:
        completions = int(self.spec.get("completions") or 0)
        completed = parse_indexes(self.status.get("completedIndexes"))
        running: dict[int, Obj] = {}
        extra = []
        for pod in deletion_order(active)[::-1]:
            index = _index_of(pod)
            if index is None or index >= completions or index in completed or index in running:
                extra.append(pod)
            else:
                running[index] = pod
        self.controller.delete_pods(self.job, extra)
        missing = [i for i in range(completions) if i not in completed and i not in running]
        room = max(parallelism - len(running), 0)
        if missing[:room] and self._backoff_over():
            for index in missing[:room]:
                self._create(index)

    def _backoff_over(self) -> bool:
        streak, last = self.controller.failures.get(self.uid, (0, self.now))
        if streak == 0:
            return True
        delay = min(_BACKOFF_BASE * 2 ** (streak - 1), _BACKOFF_MAX)
        remaining = (last - self.now).total_seconds() + delay
        if remaining <= 0:
            return True
        self.waits.append(remaining)
        return False

    def _create(self, index: int | None) -> None:
        job = self.job
        template = self.spec.get("template") or {}
        extra: dict[str, str] = {}
        prefix = f"{name_of(job)}-"
        if index is not None:
            extra = {COMPLETION_INDEX: str(index)}
            prefix = f"{name_of(job)}-{index}-"
        manifest = pod_from_template(
            template, job, generate_name=prefix, labels=extra, annotations=extra
        )
        metadata = manifest["metadata"]
        metadata["finalizers"] = [*metadata.get("finalizers", []), TRACKING_FINALIZER]
        if index is not None:
            spec = manifest["spec"]
            spec["hostname"] = f"{name_of(job)}-{index}"
            for container in [*spec.get("initContainers", []), *spec.get("containers", [])]:
                container.setdefault("env", []).append(
                    {
                        "name": "JOB_COMPLETION_INDEX",
                        "valueFrom": {
                            "fieldRef": {"fieldPath": f"metadata.labels['{COMPLETION_INDEX}']"}
                        },
                    }
                )
        try:
            pod = self.store.create(self.controller.pods, manifest)
        except ApiError as error:
            self.controller.event(
                job, "Warning", "FailedCreate", f"Error creating: {error.message}"
            )
            return
        self.controller.event(job, "Normal", "SuccessfulCreate", f"Created pod: {name_of(pod)}")

    # -- status ------------------------------------------------------------------------

    def write(self) -> None:
        pods = owned(self.store, self.controller.pods, self.job)
        active = [pod for pod in pods if is_active(pod)]
        status = self.status
        status["active"] = len(active)
        status["ready"] = sum(1 for pod in active if is_ready(pod))
        status["terminating"] = sum(1 for pod in pods if is_deleting(pod) and not is_terminal(pod))
        status["uncountedTerminatedPods"] = {}
        omit_zero(status, _OPTIONAL_FIELDS)

        def change(obj: Obj) -> None:
            obj["status"] = status

        self.store.mutate(self.controller.jobs, namespace_of(self.job), name_of(self.job), change)
