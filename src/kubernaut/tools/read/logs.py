"""``pod_logs``: a container's log lines, redacted, optionally filtered, newest kept."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, Field

from kubernaut.kube import KubeApiError
from kubernaut.tools.read import pod_state
from kubernaut.tools.read.fetch import get_object
from kubernaut.tools.read.summaries.common import clip
from kubernaut.tools.read.summaries.pods import termination_text
from kubernaut.tools.read.tooling import ReadContext, ReadToolSpec, ToolProblem, keep_newest
from kubernaut.tools.read.workload_pods import POD, pods_of

Obj = dict[str, Any]

LINE_CHARS = 1000
GREP_WINDOW = 5000
"""With ``grep``, how many of the newest lines are searched."""
_WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job")

DESCRIPTION = (
    "Read a container's log lines (newest last; credentials redacted). `pod` is a pod "
    "name, or a Deployment/StatefulSet/DaemonSet/ReplicaSet/Job name: then the pod in "
    "most trouble (crash looping, not ready, most restarts) is chosen and named. "
    "`previous=true` reads the instance that ended before the current one: that is "
    "where a crash-looping container's fatal error is. `container` picks a container in "
    "multi-container pods (default: the failing one, else the first). `tail` is how many "
    "lines; `grep` keeps lines matching a case-insensitive substring or regex, searched "
    "in the last 5000 lines."
)


class PodLogsArgs(BaseModel):
    namespace: str = Field(description="Namespace of the pod.")
    pod: str = Field(description="Pod name, or the name of a workload that runs pods.")
    container: str | None = Field(
        default=None, description="Container name (default: the failing one)."
    )
    previous: bool = Field(default=False, description="Log of the previous, terminated instance.")
    tail: int = Field(default=200, ge=1, le=2000, description="Most lines to return (the newest).")
    grep: str | None = Field(
        default=None, description="Keep lines matching this (case-insensitive)."
    )


async def pod_logs(context: ReadContext, args: PodLogsArgs) -> Any:
    out: Obj = {}
    pod = await get_object(context.client, POD, args.namespace, args.pod)
    if pod is None:
        pod, chosen = await _pod_of_workload(context, args.namespace, args.pod)
        out["chosen"] = chosen
    name = pod["metadata"]["name"]
    container = args.container or _troubled_container(pod)
    names = _container_names(pod)
    if container not in names:
        raise ToolProblem(
            f"pod {args.namespace}/{name} has no container {container!r}; "
            f"it has: {', '.join(names)}"
        )
    tail = max(args.tail, GREP_WINDOW) if args.grep else args.tail
    try:
        text = await context.client.logs(
            args.namespace, name, container=container, previous=args.previous, tail_lines=tail
        )
    except KubeApiError as error:
        if error.status == 400 and args.previous:
            raise ToolProblem(
                f"container {container} of pod {args.namespace}/{name} has no previous instance "
                f"(it has not restarted): {error.message}; call without previous"
            ) from None
        raise
    lines = text.splitlines()
    if args.grep:
        lines = [line for line in lines if _matcher(args.grep)(line)][-args.tail :]
    out.update(
        {"pod": f"{args.namespace}/{name}", "container": container, "previous": args.previous}
    )
    if len(names) > 1:
        out["other_containers"] = [other for other in names if other != container]
    hint = _restart_hint(pod, container, args.previous)
    if hint:
        out["hint"] = hint
    if args.grep:
        out["grep"] = args.grep
        out["matching_lines"] = len(lines)
    out["lines"] = [clip(line, LINE_CHARS) for line in lines] or ["(no log lines)"]
    return keep_newest("pod_logs", out, "lines", context.budget_tokens)


async def _pod_of_workload(context: ReadContext, namespace: str, name: str) -> tuple[Obj, str]:
    for kind_name in _WORKLOAD_KINDS:
        kind = await context.kind(kind_name)
        workload = await get_object(context.client, kind, namespace, name)
        if workload is None:
            continue
        pods = [
            pod for pod in await pods_of(context.client, workload) if not pod_state.is_finished(pod)
        ]
        if not pods:
            raise ToolProblem(
                f"{kind_name} {namespace}/{name} has no running pods to read logs from"
            )
        pods.sort(key=lambda pod: (pod_state.trouble(pod), pod["metadata"]["name"]), reverse=True)
        pod = pods[0]
        state = f"{pod_state.status_text(pod)}, {pod_state.restarts(pod)} restarts"
        return pod, (
            f"{kind_name} {namespace}/{name} has {len(pods)} pods; showing "
            f"{pod['metadata']['name']} ({state}), the one in most trouble"
        )
    raise ToolProblem(f"no pod or workload named {name} in namespace {namespace}")


def _container_names(pod: Obj) -> list[str]:
    spec = pod.get("spec") or {}
    return [
        str(c.get("name"))
        for c in [*(spec.get("containers") or []), *(spec.get("initContainers") or [])]
    ]


def _troubled_container(pod: Obj) -> str:
    statuses = pod_state.container_statuses(pod)
    troubled = sorted(
        statuses,
        key=lambda entry: (
            pod_state.waiting_reason(entry) in pod_state.FAILING_WAITING_REASONS,
            not entry.get("ready"),
            int(entry.get("restartCount") or 0),
        ),
        reverse=True,
    )
    if troubled and (not troubled[0].get("ready") or troubled[0].get("restartCount")):
        return str(troubled[0].get("name"))
    return _container_names(pod)[0]


def _restart_hint(pod: Obj, container: str, previous: bool) -> str | None:
    for entry in pod_state.container_statuses(pod):
        if entry.get("name") != container or previous:
            continue
        last = pod_state.last_termination(entry)
        if last:
            return (
                f"the container restarted {int(entry.get('restartCount') or 0)} times, last "
                f"ended {termination_text(last)}; previous=true shows that instance's log"
            )
    return None


def _matcher(pattern: str) -> Callable[[str], bool]:
    try:
        compiled = re.compile(pattern, re.IGNORECASE)
    except re.error:
        needle = pattern.casefold()
        return lambda line: needle in line.casefold()
    return lambda line: compiled.search(line) is not None


SPEC = ReadToolSpec("pod_logs", DESCRIPTION, PodLogsArgs, pod_logs)
