"""Workload controllers in a few lines: replica counts, rollout progress, revision,
images and resources of the pod template, conditions and selector."""

from __future__ import annotations

from typing import Any

from kubernaut.tools.read.selectors import selector_string
from kubernaut.tools.read.summaries.common import (
    conditions,
    drop_empty,
    header,
    owner_text,
    template_containers,
)

Obj = dict[str, Any]

REVISION_ANNOTATION = "deployment.kubernetes.io/revision"


def revision_of(obj: Obj) -> str | None:
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    value = annotations.get(REVISION_ANNOTATION)
    return str(value) if value is not None else None


def deployment_rollout(deployment: Obj) -> str:
    """Where the rollout stands, in the words of ``kubectl rollout status``."""
    spec, status = deployment.get("spec") or {}, deployment.get("status") or {}
    metadata = deployment.get("metadata") or {}
    desired = int(spec.get("replicas", 1))
    updated = int(status.get("updatedReplicas") or 0)
    total = int(status.get("replicas") or 0)
    available = int(status.get("availableReplicas") or 0)
    if spec.get("paused"):
        return "paused"
    if int(status.get("observedGeneration") or 0) < int(metadata.get("generation") or 0):
        return "waiting for the deployment controller to observe the latest spec"
    for entry in status.get("conditions") or []:
        if entry.get("type") == "Progressing" and entry.get("reason") == "ProgressDeadlineExceeded":
            return f"stalled: progress deadline exceeded ({updated} of {desired} updated)"
    if updated < desired:
        return f"in progress: {updated} of {desired} new replicas updated"
    if total > updated:
        return f"in progress: {total - updated} old replicas pending termination"
    if available < updated:
        return f"in progress: {available} of {updated} updated replicas available"
    return "complete"


def summarize_deployment(deployment: Obj) -> Obj:
    spec, status = deployment.get("spec") or {}, deployment.get("status") or {}
    desired = int(spec.get("replicas", 1))
    out = header(deployment)
    out.update(
        drop_empty(
            {
                "replicas": {
                    "desired": desired,
                    "ready": int(status.get("readyReplicas") or 0),
                    "updated": int(status.get("updatedReplicas") or 0),
                    "available": int(status.get("availableReplicas") or 0),
                    "total": int(status.get("replicas") or 0),
                },
                "rollout": deployment_rollout(deployment),
                "revision": revision_of(deployment),
                "strategy": _strategy(spec.get("strategy") or {}),
                "selector": selector_string(spec.get("selector")),
                "containers": template_containers(spec.get("template") or {}),
                "conditions": conditions(deployment),
            }
        )
    )
    return out


def summarize_statefulset(statefulset: Obj) -> Obj:
    spec, status = statefulset.get("spec") or {}, statefulset.get("status") or {}
    out = header(statefulset)
    out.update(
        drop_empty(
            {
                "replicas": {
                    "desired": int(spec.get("replicas", 1)),
                    "ready": int(status.get("readyReplicas") or 0),
                    "updated": int(status.get("updatedReplicas") or 0),
                    "available": int(status.get("availableReplicas") or 0),
                    "current": int(status.get("currentReplicas") or 0),
                },
                "current_revision": status.get("currentRevision"),
                "update_revision": status.get("updateRevision"),
                "selector": selector_string(spec.get("selector")),
                "containers": template_containers(spec.get("template") or {}),
                "volume_claim_templates": [
                    (template.get("metadata") or {}).get("name")
                    for template in spec.get("volumeClaimTemplates") or []
                ],
                "conditions": conditions(statefulset),
            }
        )
    )
    return out


def summarize_daemonset(daemonset: Obj) -> Obj:
    spec, status = daemonset.get("spec") or {}, daemonset.get("status") or {}
    out = header(daemonset)
    out.update(
        drop_empty(
            {
                "pods": {
                    "desired": int(status.get("desiredNumberScheduled") or 0),
                    "ready": int(status.get("numberReady") or 0),
                    "updated": int(status.get("updatedNumberScheduled") or 0),
                    "available": int(status.get("numberAvailable") or 0),
                    "misscheduled": int(status.get("numberMisscheduled") or 0),
                },
                "selector": selector_string(spec.get("selector")),
                "containers": template_containers(spec.get("template") or {}),
                "conditions": conditions(daemonset),
            }
        )
    )
    return out


def summarize_replicaset(replicaset: Obj) -> Obj:
    spec, status = replicaset.get("spec") or {}, replicaset.get("status") or {}
    out = header(replicaset)
    out.update(
        drop_empty(
            {
                "owner": owner_text(replicaset),
                "revision": revision_of(replicaset),
                "replicas": {
                    "desired": int(spec.get("replicas", 1)),
                    "current": int(status.get("replicas") or 0),
                    "ready": int(status.get("readyReplicas") or 0),
                    "available": int(status.get("availableReplicas") or 0),
                },
                "selector": selector_string(spec.get("selector")),
                "containers": template_containers(spec.get("template") or {}),
                "created": (replicaset.get("metadata") or {}).get("creationTimestamp"),
                "conditions": conditions(replicaset),
            }
        )
    )
    return out


def summarize_job(job: Obj) -> Obj:
    spec, status = job.get("spec") or {}, job.get("status") or {}
    out = header(job)
    out.update(
        drop_empty(
            {
                "owner": owner_text(job),
                "completions": f"{int(status.get('succeeded') or 0)}/{spec.get('completions', 1)}",
                "active": int(status.get("active") or 0),
                "failed": int(status.get("failed") or 0),
                "backoff_limit": spec.get("backoffLimit"),
                "containers": template_containers(spec.get("template") or {}),
                "conditions": conditions(job),
            }
        )
    )
    return out


def summarize_cronjob(cronjob: Obj) -> Obj:
    spec, status = cronjob.get("spec") or {}, cronjob.get("status") or {}
    job_template = (spec.get("jobTemplate") or {}).get("spec") or {}
    out = header(cronjob)
    out.update(
        drop_empty(
            {
                "schedule": spec.get("schedule"),
                "suspended": bool(spec.get("suspend")),
                "active_jobs": len(status.get("active") or []),
                "last_schedule": status.get("lastScheduleTime"),
                "last_success": status.get("lastSuccessfulTime"),
                "containers": template_containers(job_template.get("template") or {}),
            }
        )
    )
    return out


def _strategy(strategy: Obj) -> str:
    kind = str(strategy.get("type") or "RollingUpdate")
    rolling = strategy.get("rollingUpdate") or {}
    if kind != "RollingUpdate" or not rolling:
        return kind
    return (
        f"RollingUpdate (maxSurge {rolling.get('maxSurge', '25%')}, "
        f"maxUnavailable {rolling.get('maxUnavailable', '25%')})"
    )
