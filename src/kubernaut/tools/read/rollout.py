"""``rollout_history``: a Deployment's revisions from its ReplicaSets, what changed in
each, and which one is current."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from kubernaut.tools.read.fetch import get_object
from kubernaut.tools.read.summaries.common import clip, drop_empty
from kubernaut.tools.read.summaries.workloads import deployment_rollout, revision_of
from kubernaut.tools.read.template_diff import template_changes
from kubernaut.tools.read.tooling import ReadContext, ReadToolSpec, not_found
from kubernaut.tools.read.workload_pods import owned_replicasets

Obj = dict[str, Any]

CHANGE_CAUSE = "kubernetes.io/change-cause"

DESCRIPTION = (
    "Show a Deployment's rollout history, oldest revision first: for each revision its "
    "ReplicaSet, creation time, change-cause, container images, replicas ready/desired, "
    "and what changed from the revision before (image, resources, env, probes, "
    "command...). The current revision is marked. Use it when a problem may have started "
    "with a rollout, and to decide whether rolling back would help and to which revision."
)


class RolloutHistoryArgs(BaseModel):
    namespace: str = Field(description="Namespace of the Deployment.")
    deployment: str = Field(description="Name of the Deployment.")


async def rollout_history(context: ReadContext, args: RolloutHistoryArgs) -> Any:
    kind = await context.kind("Deployment")
    deployment = await get_object(context.client, kind, args.namespace, args.deployment)
    if deployment is None:
        raise not_found("Deployment", args.namespace, args.deployment)
    current = revision_of(deployment)
    revisions: list[Obj] = []
    previous: Obj | None = None
    for replicaset in await owned_replicasets(context.client, deployment):
        metadata, spec = replicaset.get("metadata") or {}, replicaset.get("spec") or {}
        status = replicaset.get("status") or {}
        template = spec.get("template") or {}
        containers = (template.get("spec") or {}).get("containers") or []
        annotations = metadata.get("annotations") or {}
        ready = int(status.get("readyReplicas") or 0)
        entry = drop_empty(
            {
                "revision": int(revision_of(replicaset) or 0),
                "current": revision_of(replicaset) == current,
                "replicaset": metadata.get("name"),
                "created": metadata.get("creationTimestamp"),
                "change_cause": clip(annotations[CHANGE_CAUSE])
                if CHANGE_CAUSE in annotations
                else None,
                "images": {str(c.get("name")): c.get("image") for c in containers},
                "replicas": f"{ready}/{int(spec.get('replicas') or 0)} ready",
                "changes": template_changes(previous, template) if previous is not None else None,
            }
        )
        revisions.append(entry)
        previous = template
    return {
        "deployment": f"{args.namespace}/{args.deployment}",
        "current_revision": int(current) if current and current.isdigit() else current,
        "rollout": deployment_rollout(deployment),
        "revisions": revisions or "no ReplicaSets found for this Deployment",
    }


SPEC = ReadToolSpec("rollout_history", DESCRIPTION, RolloutHistoryArgs, rollout_history)
