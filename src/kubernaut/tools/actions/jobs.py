"""Actions that need knowledge of the application (backups, database failover, heap
dumps, ...). Kubernaut cannot know how to do them, so each runs a Job built from a
batch/v1 Job manifest the operator supplies in the policy file
(``actions.jobTemplates.<action>``). With none configured the action is unavailable,
never a silent no-op.

The Job's name derives from the step's idempotency key, so a second execution of the
same step is answered 409 AlreadyExists instead of running the work twice. What to act
on reaches the Job's containers as environment variables.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import Field

from kubernaut.core.actions import RiskLevel
from kubernaut.core.resources import ResourceRef
from kubernaut.tools.actions.parameters import ActionParameters, Reason
from kubernaut.tools.actions.targets import (
    ACTION_LABEL,
    STEP_KEY_LABEL,
    Obj,
    read_target,
    step_key_of,
)
from kubernaut.tools.actions.templates import WORKLOAD_KINDS, container_names
from kubernaut.tools.catalog_types import (
    ActionContext,
    ActionSpec,
    ActionUnavailable,
    Planner,
)
from kubernaut.tools.plan import ActionPlan, PlannedWrite

MAX_NAME = 63
_SERVER_FIELDS = ("uid", "resourceVersion", "creationTimestamp", "generation", "managedFields")


class JobParameters(ActionParameters):
    reason: Reason = ""


class CleanupParameters(JobParameters):
    older_than_days: int | None = Field(
        default=None, ge=1, description="Only remove data older than this many days."
    )


class FailoverParameters(JobParameters):
    to_replica: str = Field(
        default="", description="The replica to promote; empty lets the Job choose."
    )


class RotateSecretsParameters(JobParameters):
    secret: str = Field(
        default="", description="The Secret to rotate; empty lets the Job decide which."
    )


class AuditParameters(JobParameters):
    since_minutes: int = Field(
        default=60, ge=1, le=10080, description="How far back to collect, in minutes."
    )


class HeapDumpParameters(JobParameters):
    pod: str = Field(default="", description="The pod to dump; a Pod target is its own default.")
    container: str = Field(
        default="", description="The container to dump; defaults to a pod's only container."
    )


def _missing_template_message(action: str) -> str:
    return (
        f"{action} runs a Job that knows your application and none is configured: add a "
        f"batch/v1 Job manifest under actions.jobTemplates.{action} in the policy file "
        "(see docs/actions.md)"
    )


def _job_name(action: str, step_key: str) -> str:
    """``kubernaut-<action-with-dashes>-<step key>``, within the 63 characters a label
    value (the Job controller copies the name into one) may have."""
    return f"kubernaut-{action.replace('_', '-')}-{step_key}"[:MAX_NAME].rstrip("-.")


def _env_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _containers_of(job: Obj, action: str) -> list[Obj]:
    pod_spec = (((job.get("spec") or {}).get("template") or {}).get("spec")) or {}
    containers: list[Obj] = pod_spec.get("containers") or []
    init_containers: list[Obj] = pod_spec.get("initContainers") or []
    problem = ""
    if job.get("apiVersion") != "batch/v1" or job.get("kind") != "Job":
        problem = f"it is a {job.get('apiVersion')} {job.get('kind')}, not a batch/v1 Job"
    elif not isinstance(containers, list) or not containers:
        problem = "it has no spec.template.spec.containers"
    if problem:
        raise ActionUnavailable(
            f"actions.jobTemplates.{action} in the policy file cannot be used: {problem} "
            "(see docs/actions.md)"
        )
    return [*containers, *init_containers]


def _build_job(
    template: Obj,
    action: str,
    step_key: str,
    target: ResourceRef,
    parameters: dict[str, Any],
) -> Obj:
    """The Job to create from ``template``: named after the step, labelled with the action
    and step, told what to act on through environment variables."""
    job = copy.deepcopy(template)
    containers = _containers_of(job, action)
    job.pop("status", None)
    metadata = job.setdefault("metadata", {})
    for field in (*_SERVER_FIELDS, "generateName"):
        metadata.pop(field, None)
    metadata["name"] = _job_name(action, step_key)
    metadata["namespace"] = metadata.get("namespace") or target.namespace or "default"
    labels = {ACTION_LABEL: action, STEP_KEY_LABEL: step_key}
    metadata["labels"] = {**(metadata.get("labels") or {}), **labels}
    pod_metadata = job["spec"]["template"].setdefault("metadata", {})
    pod_metadata["labels"] = {**(pod_metadata.get("labels") or {}), **labels}
    variables = {
        "KUBERNAUT_ACTION": action,
        "KUBERNAUT_STEP_KEY": step_key,
        "KUBERNAUT_TARGET_KIND": target.kind,
        "KUBERNAUT_TARGET_NAMESPACE": target.namespace,
        "KUBERNAUT_TARGET_NAME": target.name,
        **{f"KUBERNAUT_PARAM_{name.upper()}": _env_value(v) for name, v in parameters.items()},
    }
    for container in containers:
        env = [e for e in container.get("env") or [] if e.get("name") not in variables]
        container["env"] = env + [{"name": k, "value": v} for k, v in variables.items()]
    return job


async def _resolved(
    ctx: ActionContext, target: ResourceRef, params: JobParameters
) -> dict[str, Any]:
    """The parameters with defaults that follow from the target filled in."""
    values = params.model_dump()
    if isinstance(params, HeapDumpParameters) and target.kind == "Pod":
        values["pod"] = params.pod or target.name
    if isinstance(params, HeapDumpParameters) and values["pod"] and not params.container:
        pod = await ctx.client.get("v1", "Pod", target.namespace, values["pod"])
        names = container_names(pod) if pod else []
        values["container"] = names[0] if len(names) == 1 else ""
    return values


def _job_planner(action: str) -> Planner:
    async def plan(ctx: ActionContext, target: ResourceRef, params: JobParameters) -> ActionPlan:
        template = ctx.job_templates.get(action)
        if template is None:
            raise ActionUnavailable(_missing_template_message(action))
        step_key = step_key_of(ctx, action)
        await read_target(ctx, target)
        parameters = await _resolved(ctx, target, params)
        job = _build_job(template, action, step_key, target, parameters)
        metadata = job["metadata"]
        write = PlannedWrite(
            verb="create",
            api_version="batch/v1",
            kind="Job",
            namespace=metadata["namespace"],
            name=metadata["name"],
            body=job,
        )
        return ActionPlan(
            action=action,
            target=target,
            parameters=parameters,
            writes=[write],
            summary=(
                f"Job {metadata['namespace']}/{metadata['name']} from "
                f"actions.jobTemplates.{action} runs {action} for {target}"
            ),
        )

    return plan


def _spec(
    name: str,
    description: str,
    parameters: type[JobParameters],
    risk: RiskLevel,
    kinds: tuple[str, ...],
) -> ActionSpec:
    return ActionSpec(
        name=name,
        description=f"{description} Runs the Job configured in actions.jobTemplates.{name}.",
        parameters=parameters,
        risk=risk,
        reversible=False,
        target_kinds=kinds,
        planner=_job_planner(name),
        needs_job_template=True,
    )


_DATA_KINDS = ("StatefulSet", "Deployment", "PersistentVolumeClaim")
_DATABASE_KINDS = ("StatefulSet", "Deployment")

SPECS = (
    _spec(
        "backup_data",
        "Back up an application's data (before a risky change, or to free a volume).",
        JobParameters,
        RiskLevel.MEDIUM,
        _DATA_KINDS,
    ),
    _spec(
        "cleanup_storage",
        "Delete data the application no longer needs (old logs, temporary files) to free "
        "a volume or a node's disk.",
        CleanupParameters,
        RiskLevel.HIGH,
        (*_DATA_KINDS, "Node"),
    ),
    _spec(
        "compact_storage",
        "Compact or vacuum an application's data store to reclaim space.",
        JobParameters,
        RiskLevel.HIGH,
        _DATA_KINDS,
    ),
    _spec(
        "failover_database",
        "Promote a database replica to primary when the primary is failing.",
        FailoverParameters,
        RiskLevel.CRITICAL,
        _DATABASE_KINDS,
    ),
    _spec(
        "repair_database",
        "Run the database's repair or consistency tooling.",
        JobParameters,
        RiskLevel.HIGH,
        _DATABASE_KINDS,
    ),
    _spec(
        "rotate_secrets",
        "Issue new credentials for a workload (an expired or leaked secret) and update its Secret.",
        RotateSecretsParameters,
        RiskLevel.HIGH,
        WORKLOAD_KINDS,
    ),
    _spec(
        "audit_logs",
        "Collect audit and access logs about an object for a security review.",
        AuditParameters,
        RiskLevel.LOW,
        (*WORKLOAD_KINDS, "Pod", "Node", "Namespace"),
    ),
    _spec(
        "create_heap_dump",
        "Capture a heap dump of a running process (memory leaks) for later analysis.",
        HeapDumpParameters,
        RiskLevel.MEDIUM,
        ("Pod", "Deployment", "StatefulSet"),
    ),
)
