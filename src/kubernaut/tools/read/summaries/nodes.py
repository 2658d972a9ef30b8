"""A Node in a few lines: readiness, conditions that are not normal, taints,
schedulability and allocatable resources."""

from __future__ import annotations

from typing import Any

from kubernaut.tools.read.summaries.common import condition_line, drop_empty, header

Obj = dict[str, Any]

_ALLOCATABLE = ("cpu", "memory", "pods", "ephemeral-storage")


def is_abnormal(condition: Obj) -> bool:
    """Ready should be True; every other node condition (pressure, network) False."""
    healthy = "True" if condition.get("type") == "Ready" else "False"
    return condition.get("status") != healthy


def node_ready(node: Obj) -> str:
    for entry in (node.get("status") or {}).get("conditions") or []:
        if entry.get("type") == "Ready":
            return str(entry.get("status"))
    return "Unknown"


def abnormal_conditions(node: Obj) -> list[str]:
    entries = (node.get("status") or {}).get("conditions") or []
    return [condition_line(entry) for entry in entries if is_abnormal(entry)]


def taint_text(taint: Obj) -> str:
    value = f"={taint['value']}" if taint.get("value") else ""
    return f"{taint.get('key')}{value}:{taint.get('effect')}"


def summarize_node(node: Obj) -> Obj:
    spec, status = node.get("spec") or {}, node.get("status") or {}
    labels = (node.get("metadata") or {}).get("labels") or {}
    allocatable = status.get("allocatable") or {}
    out = header(node)
    out.update(
        drop_empty(
            {
                "ready": node_ready(node),
                "unschedulable": bool(spec.get("unschedulable")),
                "roles": [
                    key.removeprefix("node-role.kubernetes.io/")
                    for key in labels
                    if key.startswith("node-role.kubernetes.io/")
                ],
                "problems": abnormal_conditions(node),
                "taints": [taint_text(taint) for taint in spec.get("taints") or []],
                "allocatable": {
                    key: allocatable[key] for key in _ALLOCATABLE if key in allocatable
                },
                "zone": labels.get("topology.kubernetes.io/zone"),
                "kubelet": (status.get("nodeInfo") or {}).get("kubeletVersion"),
            }
        )
    )
    return out
