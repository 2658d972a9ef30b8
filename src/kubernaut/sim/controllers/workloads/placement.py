"""Which nodes a daemon pod belongs on: node selector, required node affinity and taints."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubernaut.sim.objects import Obj, deep_copy, labels_of, name_of
from kubernaut.sim.podutil import tolerates

_NOT_READY = "node.kubernetes.io/not-ready"
_UNREACHABLE = "node.kubernetes.io/unreachable"
_UNSCHEDULABLE = "node.kubernetes.io/unschedulable"

_DAEMON_TOLERATIONS: tuple[tuple[str, str], ...] = (
    (_NOT_READY, "NoExecute"),
    (_UNREACHABLE, "NoExecute"),
    ("node.kubernetes.io/disk-pressure", "NoSchedule"),
    ("node.kubernetes.io/memory-pressure", "NoSchedule"),
    ("node.kubernetes.io/pid-pressure", "NoSchedule"),
    (_UNSCHEDULABLE, "NoSchedule"),
)
_HOST_NETWORK_TOLERATION = ("node.kubernetes.io/network-unavailable", "NoSchedule")


def add_daemon_tolerations(pod_spec: Obj) -> None:
    """The tolerations every daemon pod gets, so node trouble does not evict it."""
    wanted = list(_DAEMON_TOLERATIONS)
    if pod_spec.get("hostNetwork"):
        wanted.append(_HOST_NETWORK_TOLERATION)
    tolerations = pod_spec.setdefault("tolerations", [])
    present = {(t.get("key"), t.get("effect")) for t in tolerations}
    for key, effect in wanted:
        if (key, effect) not in present:
            tolerations.append({"key": key, "operator": "Exists", "effect": effect})


def pin_to_node(pod_spec: Obj, node_name: str) -> None:
    """Require ``node_name`` by node affinity (as the real controller does) and bind there."""
    affinity = pod_spec.setdefault("affinity", {})
    node_affinity = affinity.setdefault("nodeAffinity", {})
    node_affinity["requiredDuringSchedulingIgnoredDuringExecution"] = {
        "nodeSelectorTerms": [
            {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node_name]}]}
        ]
    }
    pod_spec["nodeName"] = node_name


def node_taints(node: Obj) -> list[Obj]:
    """The node's taints, plus the ones the node lifecycle controller would add."""
    taints = [deep_copy(t) for t in node.get("spec", {}).get("taints") or []]
    keys = {(t.get("key"), t.get("effect")) for t in taints}

    def add(key: str, effect: str) -> None:
        if (key, effect) not in keys:
            taints.append({"key": key, "effect": effect})

    if node.get("spec", {}).get("unschedulable"):
        add(_UNSCHEDULABLE, "NoSchedule")
    ready = next(
        (c for c in node.get("status", {}).get("conditions") or [] if c.get("type") == "Ready"),
        None,
    )
    if ready is not None and ready.get("status") != "True":
        key = _NOT_READY if ready.get("status") == "False" else _UNREACHABLE
        add(key, "NoSchedule")
        add(key, "NoExecute")
    return taints


def placement(pod_spec: Obj, node: Obj) -> tuple[bool, bool]:
    """(should a new daemon pod run here, may an existing one keep running here)."""
    if not _selected(pod_spec, node):
        return False, False
    tolerations = pod_spec.get("tolerations") or []
    should_run = should_continue = True
    for taint in node_taints(node):
        effect = taint.get("effect")
        if effect not in ("NoSchedule", "NoExecute") or tolerates(tolerations, taint):
            continue
        should_run = False
        if effect == "NoExecute":
            should_continue = False
    return should_run, should_continue


def _selected(pod_spec: Obj, node: Obj) -> bool:
    labels = labels_of(node)
    for key, value in (pod_spec.get("nodeSelector") or {}).items():
        if labels.get(key) != value:
            return False
    required = ((pod_spec.get("affinity") or {}).get("nodeAffinity") or {}).get(
        "requiredDuringSchedulingIgnoredDuringExecution"
    ) or {}
    terms = required.get("nodeSelectorTerms") or []
    if not terms:
        return True
    fields = {"metadata.name": name_of(node)}
    return any(
        all(_matches(e, labels) for e in term.get("matchExpressions") or [])
        and all(_matches(e, fields) for e in term.get("matchFields") or [])
        for term in terms
    )


def _matches(expression: Mapping[str, Any], values: Mapping[str, str]) -> bool:
    key = expression.get("key", "")
    operator = expression.get("operator")
    wanted = [str(v) for v in expression.get("values") or []]
    present = key in values
    value = values.get(key, "")
    if operator == "In":
        return present and value in wanted
    if operator == "NotIn":
        return not present or value not in wanted
    if operator == "Exists":
        return present
    if operator == "DoesNotExist":
        return not present
    if operator in ("Gt", "Lt") and present and wanted:
        try:
            number, bound = int(value), int(wanted[0])
        except ValueError:
            return False
        return number > bound if operator == "Gt" else number < bound
    return False
