"""Telling people instead of changing anything: a Normal Event on the target, which
``kubectl describe`` and every event-based alerting pipeline show."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import Field

from kubernaut.core.actions import RiskLevel
from kubernaut.core.resources import ResourceRef
from kubernaut.tools.actions.parameters import ActionParameters
from kubernaut.tools.actions.targets import ANY_KIND, read_target, step_key_of
from kubernaut.tools.catalog_types import ActionContext, ActionSpec
from kubernaut.tools.plan import ActionPlan, PlannedWrite

REASON = "KubernautNotification"
COMPONENT = "kubernaut"


class NotifyParameters(ActionParameters):
    message: str = Field(
        min_length=1, max_length=1024, description="What people should know or do."
    )


def _event_name(target: ResourceRef, step_key: str) -> str:
    """``<target name>.kubernaut-<step key>``: Kubernetes names Events after the object
    they are about; the suffix makes a second execution of the step a 409."""
    suffix = f".kubernaut-{step_key}"
    return target.name[: 253 - len(suffix)] + suffix


async def _plan(ctx: ActionContext, target: ResourceRef, params: NotifyParameters) -> ActionPlan:
    step_key = step_key_of(ctx, "notify_only")
    obj = await read_target(ctx, target)
    metadata = obj.get("metadata") or {}
    namespace = target.namespace or "default"
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    involved = {
        "apiVersion": obj.get("apiVersion"),
        "kind": target.kind,
        "name": target.name,
        "uid": metadata.get("uid"),
        "resourceVersion": metadata.get("resourceVersion"),
    }
    if target.namespace:
        involved["namespace"] = target.namespace
    name = _event_name(target, step_key)
    event = {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": name, "namespace": namespace},
        "involvedObject": involved,
        "reason": REASON,
        "message": params.message,
        "type": "Normal",
        "source": {"component": COMPONENT},
        "reportingComponent": COMPONENT,
        "firstTimestamp": now,
        "lastTimestamp": now,
        "count": 1,
    }
    write = PlannedWrite(
        verb="create",
        api_version="v1",
        kind="Event",
        namespace=namespace,
        name=name,
        body=event,
    )
    return ActionPlan(
        action="notify_only",
        target=target,
        parameters=params.model_dump(),
        writes=[write],
        summary=f"Event {REASON} on {target}: {params.message}",
    )


SPECS = (
    ActionSpec(
        name="notify_only",
        description="Change nothing; post a Normal Event (reason KubernautNotification) "
        "on the object with a message for people, e.g. when no safe action fits.",
        parameters=NotifyParameters,
        risk=RiskLevel.LOW,
        reversible=False,
        target_kinds=(ANY_KIND,),
        planner=_plan,
    ),
)
