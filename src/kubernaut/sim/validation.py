"""Validation the API server applies before storing an object (422 Invalid on failure)."""

from __future__ import annotations

import re
from collections.abc import Callable

from kubernaut.sim.objects import Obj
from kubernaut.sim.physics.behavior import (
    BEHAVIOR_ANNOTATION,
    VOLUME_USED_ANNOTATION,
    BehaviorError,
    node_behavior,
    pod_behavior,
    volume_used_bytes,
)
from kubernaut.sim.resources import ResourceType
from kubernaut.sim.selectors import LabelSelector

_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_LABEL_NAMED = frozenset({"namespaces", "services"})
_POD_TEMPLATE_OWNERS = frozenset({"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"})


def validate_name(resource: ResourceType, name: str) -> list[tuple[str, str]]:
    if not name:
        return [("metadata.name", "Required value: name or generateName is required")]
    if resource.plural in _LABEL_NAMED and resource.group == "":
        if len(name) > 63 or not _DNS_LABEL.match(name):
            return [
                (
                    "metadata.name",
                    f'Invalid value: "{name}": a lowercase RFC 1123 label must consist of lower '
                    "case alphanumeric characters or '-', and must start and end with an "
                    "alphanumeric character",
                )
            ]
        return []
    if len(name) > 253 or not _DNS_SUBDOMAIN.match(name):
        return [
            (
                "metadata.name",
                f'Invalid value: "{name}": a lowercase RFC 1123 subdomain must consist of lower '
                "case alphanumeric characters, '-' or '.', and must start and end with an "
                "alphanumeric character",
            )
        ]
    return []


def validate_builtin(resource: ResourceType, obj: Obj) -> list[tuple[str, str]]:
    """The checks users hit most: pod specs need containers, selectors must match templates,
    and simulator behaviour annotations must parse."""
    if not resource.builtin:
        return []
    if resource.kind == "Pod":
        return _validate_pod_spec(obj.get("spec") or {}, "spec") + _validate_behavior(
            pod_behavior, obj.get("metadata") or {}, "metadata"
        )
    if resource.kind in _POD_TEMPLATE_OWNERS or resource.kind == "Job":
        template_meta = ((obj.get("spec") or {}).get("template") or {}).get("metadata") or {}
        return _validate_template_owner(resource, obj) + _validate_behavior(
            pod_behavior, template_meta, "spec.template.metadata"
        )
    if resource.kind == "Node":
        return _validate_behavior(node_behavior, obj.get("metadata") or {}, "metadata")
    if resource.kind == "PersistentVolumeClaim":
        try:
            volume_used_bytes((obj.get("metadata") or {}).get("annotations"))
        except ValueError as error:
            return [(f"metadata.annotations[{VOLUME_USED_ANNOTATION}]", str(error))]
    return []


def _validate_behavior(
    parse: Callable[[dict[str, str] | None], object], metadata: Obj, path: str
) -> list[tuple[str, str]]:
    try:
        parse(metadata.get("annotations"))
    except BehaviorError as error:
        return [(f"{path}.annotations[{BEHAVIOR_ANNOTATION}]", f"Invalid value: {error}")]
    return []


def _validate_template_owner(resource: ResourceType, obj: Obj) -> list[tuple[str, str]]:
    spec = obj.get("spec") or {}
    template = spec.get("template") or {}
    problems = _validate_pod_spec(template.get("spec") or {}, "spec.template.spec")
    if resource.kind == "Job":
        return problems
    selector = spec.get("selector")
    if not selector:
        problems.append(("spec.selector", "Required value"))
        return problems
    labels = (template.get("metadata") or {}).get("labels") or {}
    if not LabelSelector.from_spec(selector).matches(labels):
        problems.append(
            (
                "spec.template.metadata.labels",
                f"Invalid value: {labels}: `selector` does not match template `labels`",
            )
        )
    return problems


def _validate_pod_spec(spec: Obj, path: str) -> list[tuple[str, str]]:
    containers = spec.get("containers") or []
    if not containers:
        return [(f"{path}.containers", "Required value")]
    problems = []
    seen: set[str] = set()
    for index, container in enumerate(containers):
        name = container.get("name", "")
        if not name:
            problems.append((f"{path}.containers[{index}].name", "Required value"))
        elif name in seen:
            problems.append((f"{path}.containers[{index}].name", f'Duplicate value: "{name}"'))
        seen.add(name)
        if not container.get("image"):
            problems.append((f"{path}.containers[{index}].image", "Required value"))
    return problems
