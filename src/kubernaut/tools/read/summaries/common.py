"""Pieces every summary uses: the header naming the object, conditions as one line
each, container resources, annotation filtering and clipping long text."""

from __future__ import annotations

from typing import Any

from kubernaut.tools.read.ownership import controller_reference
from kubernaut.tools.redaction import redact_text

Obj = dict[str, Any]

MESSAGE_CHARS = 300
HIDDEN_ANNOTATION_PREFIXES = (
    "sim.kubernaut.io/",
    "kubectl.kubernetes.io/last-applied-configuration",
)
"""Annotations never shown: the simulator's fault declarations (scaffolding a real
cluster does not have, which would give the answer away in evaluations) and kubectl's
copy of the whole last-applied object."""


def clip(text: object, limit: int = MESSAGE_CHARS) -> str:
    """``text`` (redacted) cut to ``limit`` characters, saying how much was cut."""
    value = redact_text(str(text))
    if len(value) <= limit:
        return value
    return f"{value[:limit]}... [{len(value) - limit} more characters]"


def header(obj: Obj) -> Obj:
    """``kind``, ``name`` and ``namespace`` (when namespaced) of the object."""
    metadata = obj.get("metadata") or {}
    out: Obj = {"kind": obj.get("kind", ""), "name": metadata.get("name", "")}
    if metadata.get("namespace"):
        out["namespace"] = metadata["namespace"]
    return out


def owner_text(obj: Obj) -> str | None:
    reference = controller_reference(obj)
    return f"{reference.get('kind')}/{reference.get('name')}" if reference else None


def condition_line(condition: Obj) -> str:
    """``Type=Status Reason: message`` in one line."""
    line = f"{condition.get('type')}={condition.get('status')}"
    if condition.get("reason"):
        line += f" {condition['reason']}"
    if condition.get("message"):
        line += f": {clip(condition['message'])}"
    return line


def conditions(obj: Obj) -> list[str]:
    """The object's status conditions, one line each."""
    return [condition_line(entry) for entry in (obj.get("status") or {}).get("conditions") or []]


def resources(container: Obj) -> Obj:
    """Requests and limits as written (``{requests: {cpu: 200m}, limits: {...}}``)."""
    declared = container.get("resources") or {}
    return {
        part: dict(declared[part]) for part in ("requests", "limits") if declared.get(part)
    } or {"requests": "none", "limits": "none"}


def visible_annotations(obj: Obj) -> dict[str, str]:
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    return {
        key: clip(value)
        for key, value in annotations.items()
        if not key.startswith(HIDDEN_ANNOTATION_PREFIXES)
    }


def template_containers(template: Obj) -> list[Obj]:
    """Name, image and resources of each container of a pod template."""
    spec = template.get("spec") or {}
    return [
        {
            "name": container.get("name"),
            "image": container.get("image"),
            "resources": resources(container),
        }
        for container in spec.get("containers") or []
    ]


def drop_empty(data: Obj) -> Obj:
    """``data`` without None values, empty strings, lists and maps."""
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}
