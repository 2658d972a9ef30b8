"""``events``: what happened to an object or in a namespace, oldest to newest."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from kubernaut.kube import KubeClient
from kubernaut.tools.read.fetch import list_objects
from kubernaut.tools.read.kinds import Kind
from kubernaut.tools.read.summaries.events import sort_key, summarize_event
from kubernaut.tools.read.tooling import ReadContext, ReadToolSpec, keep_newest

EVENT_KIND = Kind("v1", "Event", namespaced=True)
FETCH_LIMIT = 1000

DESCRIPTION = (
    "List Kubernetes events, oldest first and newest last, each with type (Normal/"
    "Warning), reason (BackOff, OOMKilling, FailedScheduling, Unhealthy, Evicted, "
    "FailedMount, ScalingReplicaSet ...), the object, count, first/last time and message. "
    "Filter to one object with `kind` and `name` (e.g. kind='Pod', name='checkout-abc'), "
    "or see a whole namespace. `warnings_only` keeps Warning events. Events of Nodes "
    "are found whatever namespace they were recorded in. Use it to learn what the "
    "kubelet, scheduler and controllers reported, and when."
)


class EventsArgs(BaseModel):
    namespace: str = Field(description="Namespace of the events (of the object).")
    kind: str | None = Field(
        default=None, description="Kind of the object, e.g. Pod, Deployment, Node."
    )
    name: str | None = Field(default=None, description="Name of the object.")
    warnings_only: bool = Field(default=False, description="Only Warning events.")
    limit: int = Field(default=30, ge=1, le=200, description="Most events to show (the newest).")


async def object_events(
    client: KubeClient,
    kind: Kind | None,
    namespace: str | None,
    name: str | None,
    *,
    warnings_only: bool = False,
) -> list[dict[str, Any]]:
    """Events about the object (or the namespace), oldest first. Cluster-scoped objects'
    events are searched in every namespace."""
    terms = []
    if kind is not None:
        terms.append(f"involvedObject.kind={kind.kind}")
    if name:
        terms.append(f"involvedObject.name={name}")
    if warnings_only:
        terms.append("type=Warning")
    where = namespace if kind is None or kind.namespaced else None
    items = await list_objects(
        client, EVENT_KIND, where, field_selector=",".join(terms) or None, limit=FETCH_LIMIT
    )
    return sorted(items, key=sort_key)


async def events(context: ReadContext, args: EventsArgs) -> Any:
    kind = await context.kind(args.kind) if args.kind else None
    found = await object_events(
        context.client, kind, args.namespace, args.name, warnings_only=args.warnings_only
    )
    subject = " ".join(part for part in (kind.kind if kind else "", args.name or "") if part)
    namespaced = kind is None or kind.namespaced
    out: dict[str, Any] = {"namespace": args.namespace if namespaced else "(all: cluster-scoped)"}
    if subject:
        out["object"] = subject
    if args.warnings_only:
        out["warnings_only"] = True
    shown = found[-args.limit :]
    out["count"] = len(shown)
    if len(found) > len(shown):
        out["older_not_shown"] = len(found) - len(shown)
    if not shown:
        out["note"] = "no events match (events expire after about an hour on most clusters)"
    out["events"] = [summarize_event(event) for event in shown]
    return keep_newest("events", out, "events", context.budget_tokens)


SPEC = ReadToolSpec("events", DESCRIPTION, EventsArgs, events)
