"""``get_resources``: one object or a filtered list, as compact kind-aware summaries."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from kubernaut.tools.read.fetch import list_objects
from kubernaut.tools.read.summaries import summarize
from kubernaut.tools.read.summaries.events import sort_key
from kubernaut.tools.read.tooling import ReadContext, ReadToolSpec

MAX_LIMIT = 100
EVENT_PAGE = 500

DESCRIPTION = (
    "Get Kubernetes objects as compact summaries that show what matters for diagnosis "
    "for each kind: Pods (status, node, readiness, per container state/reason, restarts, "
    "last termination reason and exit code, image, requests/limits), Deployments/"
    "StatefulSets/DaemonSets/ReplicaSets (desired/ready/updated/available replicas, "
    "rollout state, revision, images, resources, conditions, selector), Nodes (abnormal "
    "conditions, taints, unschedulable, allocatable), PersistentVolumeClaims (phase, "
    "capacity, requested size, storage class), HorizontalPodAutoscalers (min/max/current/"
    "desired replicas, metric vs target, conditions), Services (selector, ports), Events, "
    "ConfigMaps (keys; values of non-secret keys, shortened). Give `name` for one object, "
    "or list with `label_selector` (e.g. 'app=checkout') and `field_selector` (e.g. "
    "'status.phase=Pending', 'spec.nodeName=worker-1'). `kind` accepts kubectl forms "
    "('pods', 'deploy', 'pvc', 'hpa'). Omit `namespace` to search all namespaces. Secrets "
    "are never read. Use this first to see the state of the objects named in an alert."
)


class GetResourcesArgs(BaseModel):
    kind: str = Field(
        description="Kind, any case, singular, plural or short: Pod, pods, deploy, pvc."
    )
    namespace: str | None = Field(
        default=None, description="Namespace; omit for all namespaces or cluster-scoped kinds."
    )
    name: str | None = Field(default=None, description="One object's name; omit to list.")
    label_selector: str | None = Field(
        default=None, description="Label selector for lists, e.g. 'app=checkout,tier!=db'."
    )
    field_selector: str | None = Field(
        default=None, description="Field selector for lists, e.g. 'status.phase=Pending'."
    )
    limit: int = Field(default=20, ge=1, le=MAX_LIMIT, description="Most objects to list.")


async def get_resources(context: ReadContext, args: GetResourcesArgs) -> Any:
    kind = await context.kind(args.kind)
    if args.name:
        return summarize(await context.find(kind, args.namespace, args.name))
    # Events come back in no particular order: read a page to find the newest.
    fetch = EVENT_PAGE if kind.kind == "Event" else args.limit + 1
    items = await list_objects(
        context.client, kind, args.namespace, args.label_selector, args.field_selector, limit=fetch
    )
    return _listing(kind.kind, kind.namespaced, items, args)


def _listing(
    kind: str, namespaced: bool, items: list[dict[str, Any]], args: GetResourcesArgs
) -> dict[str, Any]:
    if kind == "Event":
        items = sorted(items, key=sort_key)
    more = len(items) > args.limit
    shown = items[-args.limit :] if kind == "Event" else items[: args.limit]
    out: dict[str, Any] = {"kind": kind}
    if namespaced:
        out["namespace"] = args.namespace or "(all)"
    if args.label_selector:
        out["label_selector"] = args.label_selector
    if args.field_selector:
        out["field_selector"] = args.field_selector
    out["count"] = len(shown)
    if more:
        out["more"] = f"more than {args.limit} match; narrow the selectors or raise limit"
    if not shown:
        out["note"] = f"no {kind} matches"
    out["items"] = [_item(summarize(item), args.namespace) for item in shown]
    return out


def _item(summary: dict[str, Any], namespace: str | None) -> dict[str, Any]:
    """A list entry without what the listing already says (its kind and namespace)."""
    summary.pop("kind", None)
    if namespace:
        summary.pop("namespace", None)
    return summary


SPEC = ReadToolSpec("get_resources", DESCRIPTION, GetResourcesArgs, get_resources)
