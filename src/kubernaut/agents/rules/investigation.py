"""Which tools the rule-based model calls, round by round: first the target itself, then
what the first answers point at."""

from __future__ import annotations

import re
from typing import Any

from kubernaut.agents.rules.evidence import Evidence
from kubernaut.core.resources import ResourceRef

ToolCall = dict[str, Any]
WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Pod")


def first_round(target: ResourceRef | None, signal: dict[str, Any]) -> list[ToolCall]:
    if target is None:
        namespace = str((signal.get("labels") or {}).get("namespace") or "default")
        return [_call("events", namespace=namespace, warnings_only=True)]
    namespace = target.namespace or "default"
    return [
        _call("describe", kind=target.kind, namespace=target.namespace, name=target.name),
        _call("events", namespace=namespace, kind=target.kind, name=target.name),
        _call("related_objects", kind=target.kind, namespace=target.namespace, name=target.name),
    ]


def next_calls(evidence: Evidence) -> list[ToolCall]:
    """The calls the evidence so far asks for that were not made yet: the target first,
    then what its answers point at; empty when there is nothing more to read."""
    made = [(o.tool, o.arguments) for o in evidence.outputs]
    wanted = first_round(evidence.target, evidence.signal)
    if evidence.outputs:
        wanted += follow_ups(evidence.target, evidence)
    return [call for call in wanted if (call["name"], call["args"]) not in made]


def follow_ups(target: ResourceRef | None, evidence: Evidence) -> list[ToolCall]:
    """Follow-ups the answers so far call for."""
    if target is None:
        return []
    calls: list[ToolCall] = []
    if target.kind in WORKLOAD_KINDS:
        troubled = _troubled_pod(evidence)
        if troubled and target.kind != "Pod":
            calls.append(_call("describe", kind="Pod", namespace=target.namespace, name=troubled))
        if evidence.mentions("CrashLoopBackOff", "restart", "Error", "OOMKilled"):
            calls.append(
                _call(
                    "pod_logs", namespace=target.namespace, pod=target.name, previous=True, tail=50
                )
            )
        if target.kind == "Deployment":
            calls.append(
                _call("rollout_history", namespace=target.namespace, deployment=target.name)
            )
        if evidence.mentions("FailedScheduling", "Insufficient"):
            calls.append(_call("get_resources", kind="Node"))
        calls.append(_call("top", kind="pods", namespace=target.namespace))
    elif target.kind == "HorizontalPodAutoscaler":
        calls.append(_call("top", kind="pods", namespace=target.namespace))
    elif target.kind == "Node":
        calls.append(_call("top", kind="nodes"))
    elif target.kind == "PersistentVolumeClaim":
        calls.append(
            _call(
                "get_resources",
                kind="PersistentVolumeClaim",
                namespace=target.namespace,
                name=target.name,
            )
        )
    return calls


TROUBLE = (
    "CrashLoopBackOff",
    "Error",
    "OOMKilled",
    "Pending",
    "ImagePull",
    "ErrImage",
    "CreateContainer",
    "ready False",
)


_RESTARTS = re.compile(r", (\d+) restarts")


def _troubled_pod(evidence: Evidence) -> str | None:
    """The first pod related_objects listed in trouble (entries read ``name: state, ...``),
    else the first that restarted: a crash-looping pod caught between two crashes reads
    Running and ready."""
    entries = [
        str(entry)
        for data in evidence.data("related_objects")
        if isinstance(data, dict) and isinstance(data.get("pods"), list)
        for entry in data["pods"]
    ]
    troubled = [e for e in entries if any(word in e for word in TROUBLE)]
    restarted = [e for e in entries if (m := _RESTARTS.search(e)) and int(m.group(1)) > 0]
    chosen = troubled or restarted
    return chosen[0].split(":", 1)[0].strip() if chosen else None


def _call(tool: str, /, **arguments: Any) -> ToolCall:
    return {
        "name": tool,
        "args": {key: value for key, value in arguments.items() if value not in ("", None)},
    }
