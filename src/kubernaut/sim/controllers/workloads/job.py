"""The job controller: run pods until enough succeed, or give up after too many failures.

Pods carry the ``batch.kubernetes.io/job-tracking`` finalizer until the controller has
counted them in ``status.succeeded`` / ``status.failed``, so pods removed early are
still counted (a pod deleted before finishing counts as failed). This module wires the
controller up: the generated selector, the finalizers of pods whose job is gone or
done; :mod:`job_sync` is one pass over a running job.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from kubernaut.sim.controllers.base import BaseController
from kubernaut.sim.controllers.manager import Key, Mapper, controller_owner, same_object
from kubernaut.sim.controllers.workloads.job_sync import (
    TRACKING_FINALIZER,
    JobSync,
    has_tracking,
    is_finished,
)
from kubernaut.sim.controllers.workloads.pods import owned
from kubernaut.sim.errors import ApiError
from kubernaut.sim.objects import Obj, controller_ref, is_deleting, name_of, namespace_of

if TYPE_CHECKING:
    from kubernaut.sim.cluster import Cluster

JOB_NAME_LABEL = "batch.kubernetes.io/job-name"
CONTROLLER_UID_LABEL = "batch.kubernetes.io/controller-uid"
_LEGACY_JOB_NAME = "job-name"
_LEGACY_CONTROLLER_UID = "controller-uid"


class JobController(BaseController):
    name = "job-controller"

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.jobs = self.kind("batch/v1", "Job")
        self.pods = self.kind("v1", "Pod")
        self.failures: dict[str, tuple[int, datetime]] = {}
        """Per job uid: failures since the last success and when the last one was seen."""

    def watches(self) -> Iterable[tuple[str, Mapper]]:
        return [(self.jobs.key, same_object), (self.pods.key, controller_owner("Job"))]

    def reconcile(self, key: Key) -> float | None:
        job = self.store.peek(self.jobs, *key)
        if job is None:
            self._release_orphans(*key)
            return None
        if self._ensure_selector(job):
            return None  # the write brings the job back to the queue
        pods = owned(self.store, self.pods, job)
        if is_deleting(job) or is_finished(job):
            self.failures.pop(job["metadata"]["uid"], None)
            self.release(pods)
            return None
        return JobSync(self, job, pods).run()

    def _ensure_selector(self, job: Obj) -> bool:
        """Give the job the generated selector and pod labels the API server would have."""
        spec = job["spec"]
        if spec.get("manualSelector"):
            return False
        uid, name = job["metadata"]["uid"], name_of(job)
        wanted = {
            CONTROLLER_UID_LABEL: uid,
            _LEGACY_CONTROLLER_UID: uid,
            JOB_NAME_LABEL: name,
            _LEGACY_JOB_NAME: name,
        }
        labels = (spec.get("template") or {}).get("metadata", {}).get("labels") or {}
        if spec.get("selector") and wanted.items() <= labels.items():
            return False

        def change(obj: Obj) -> None:
            obj["spec"].setdefault("selector", {"matchLabels": {CONTROLLER_UID_LABEL: uid}})
            template = obj["spec"].setdefault("template", {})
            template.setdefault("metadata", {}).setdefault("labels", {}).update(wanted)

        self.store.mutate(self.jobs, namespace_of(job), name, change)
        return True

    def release(self, pods: Iterable[Obj]) -> None:
        """Drop the tracking finalizer: the pod has been counted (or its job is gone)."""

        def drop(pod: Obj) -> None:
            remaining = [
                f for f in pod["metadata"].get("finalizers") or [] if f != TRACKING_FINALIZER
            ]
            if remaining:
                pod["metadata"]["finalizers"] = remaining
            else:
                pod["metadata"].pop("finalizers", None)

        for pod in pods:
            if has_tracking(pod):
                self.store.mutate(self.pods, namespace_of(pod), name_of(pod), drop)

    def _release_orphans(self, namespace: str, job_name: str) -> None:
        orphans = []
        for pod in self.store.scan(self.pods, namespace):
            ref = controller_ref(pod)
            if (
                ref is not None
                and ref.get("kind") == "Job"
                and ref.get("name") == job_name
                and has_tracking(pod)
                and self.store.by_uid(ref["uid"]) is None
            ):
                orphans.append(pod)
        self.release(orphans)

    def delete_pods(self, job: Obj, pods: Iterable[Obj]) -> None:
        for pod in pods:
            try:
                self.store.delete(self.pods, namespace_of(pod), name_of(pod))
            except ApiError:
                continue
            self.event(job, "Normal", "SuccessfulDelete", f"Deleted pod: {name_of(pod)}")
