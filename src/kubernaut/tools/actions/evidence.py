"""What collect_diagnostics gathers about an object: its summary, its pods, the recent
events about them and the last lines of their logs, redacted like every read tool's
output (Secrets are never read)."""

from __future__ import annotations

from dataclasses import dataclass, field

from kubernaut.core.resources import ResourceRef
from kubernaut.kube import KubeApiError, KubeClient, KubeError
from kubernaut.tools.actions.selectors import selector_string
from kubernaut.tools.actions.targets import Obj
from kubernaut.tools.read.summaries import summarize
from kubernaut.tools.redaction import redact_text

_EVENTS_KEPT = 60


@dataclass
class Evidence:
    target: Obj
    pods: list[Obj] = field(default_factory=list)
    events: list[Obj] = field(default_factory=list)
    logs: list[str] = field(default_factory=list)
    """Blocks of text, one per container log read (or why it could not be read)."""


async def _pods_of(client: KubeClient, target: ResourceRef, obj: Obj) -> list[Obj]:
    """The pods that make up or run on the target, each with its kind set."""
    if target.kind == "Pod":
        return [obj]
    if target.kind == "Node":
        found = await client.list("v1", "Pod", None, field_selector=f"spec.nodeName={target.name}")
    else:
        selector = (obj.get("spec") or {}).get("selector") or {}
        if not selector:
            return []
        found = await client.list("v1", "Pod", target.namespace, selector_string(selector))
    return [{**pod, "kind": "Pod"} for pod in found]


def _trouble_first(pod: Obj) -> tuple[int, str]:
    """Pods with restarts or not ready come first: their logs tell the most."""
    statuses = (pod.get("status") or {}).get("containerStatuses") or []
    troubled = any(not s.get("ready") or s.get("restartCount") for s in statuses)
    return (0 if troubled or not statuses else 1, str(pod["metadata"]["name"]))


async def _events_about(client: KubeClient, target: ResourceRef, pods: list[Obj]) -> list[Obj]:
    names = {target.name, *(p["metadata"]["name"] for p in pods)}
    namespace = target.namespace or "default"
    try:
        found = await client.list("v1", "Event", namespace)
    except KubeApiError as error:
        return [{"kind": "Event", "reason": "Unreadable", "message": error.message}]
    about = [
        {**e, "kind": "Event"}
        for e in found
        if (e.get("involvedObject") or e.get("regarding") or {}).get("name") in names
    ]
    about.sort(key=lambda e: str(e.get("lastTimestamp") or e.get("eventTime") or ""))
    return about[-_EVENTS_KEPT:]


async def _log_block(
    client: KubeClient, pod: Obj, container: str, *, previous: bool, lines: int
) -> str:
    namespace, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
    title = f"==> pod {name}, container {container}{' (previous)' if previous else ''} <=="
    try:
        text = await client.logs(
            namespace, name, container=container, previous=previous, tail_lines=lines
        )
    except KubeError as error:
        reason = error.message if isinstance(error, KubeApiError) else str(error)
        text = f"(logs unavailable: {reason})"
    return f"{title}\n{redact_text(text).rstrip()}\n"


async def _logs(client: KubeClient, pods: list[Obj], *, lines: int, max_pods: int) -> list[str]:
    blocks = []
    for pod in sorted(pods, key=_trouble_first)[:max_pods]:
        statuses = {
            s.get("name"): s for s in (pod.get("status") or {}).get("containerStatuses") or []
        }
        for container in (pod.get("spec") or {}).get("containers") or []:
            name = str(container.get("name"))
            restarted = int((statuses.get(name) or {}).get("restartCount") or 0) > 0
            blocks.append(await _log_block(client, pod, name, previous=False, lines=lines))
            if restarted:
                blocks.append(await _log_block(client, pod, name, previous=True, lines=lines))
    return blocks


async def gather(
    client: KubeClient, target: ResourceRef, obj: Obj, *, log_lines: int, max_pods: int
) -> Evidence:
    pods = await _pods_of(client, target, obj)
    return Evidence(
        target=summarize(obj),
        pods=[summarize(pod) for pod in pods],
        events=[summarize(event) for event in await _events_about(client, target, pods)],
        logs=await _logs(client, pods, lines=log_lines, max_pods=max_pods),
    )
