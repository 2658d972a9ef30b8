"""What changed between two pod templates, in lines a person reads: images, resources,
environment, probes, commands, volumes and annotations (credentials redacted)."""

from __future__ import annotations

from typing import Any

from kubernaut.tools.read.container_specs import container_details, volume_text
from kubernaut.tools.read.summaries.common import visible_annotations

Obj = dict[str, Any]


def template_changes(old: Obj, new: Obj) -> list[str]:
    """Differences from ``old`` to ``new``; empty when they are the same to a reader."""
    old_spec, new_spec = old.get("spec") or {}, new.get("spec") or {}
    old_containers = _by_name(old_spec.get("containers") or [])
    new_containers = _by_name(new_spec.get("containers") or [])
    changes: list[str] = []
    for name in new_containers.keys() - old_containers.keys():
        changes.append(f"container {name} added")
    for name in old_containers.keys() - new_containers.keys():
        changes.append(f"container {name} removed")
    for name in sorted(old_containers.keys() & new_containers.keys()):
        changes.extend(_container_changes(name, old_containers[name], new_containers[name]))
    old_volumes = {volume_text(v) for v in old_spec.get("volumes") or []}
    new_volumes = {volume_text(v) for v in new_spec.get("volumes") or []}
    changes.extend(f"volume added: {text}" for text in sorted(new_volumes - old_volumes))
    changes.extend(f"volume removed: {text}" for text in sorted(old_volumes - new_volumes))
    changes.extend(_map_changes("annotation", visible_annotations(old), visible_annotations(new)))
    return changes


def _container_changes(name: str, old: Obj, new: Obj) -> list[str]:
    before, after = container_details(old), container_details(new)
    changes = []
    for field in sorted(before.keys() | after.keys()):
        if field in ("name", "env") or before.get(field) == after.get(field):
            continue
        changes.append(f"{name} {field}: {_text(before.get(field))} -> {_text(after.get(field))}")
    changes.extend(_map_changes(f"{name} env", before.get("env") or {}, after.get("env") or {}))
    return changes


def _map_changes(what: str, before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    changes = []
    for key in sorted(before.keys() | after.keys()):
        if key not in before:
            changes.append(f"{what} {key} added: {_text(after[key])}")
        elif key not in after:
            changes.append(f"{what} {key} removed")
        elif before[key] != after[key]:
            changes.append(f"{what} {key}: {_text(before[key])} -> {_text(after[key])}")
    return changes


def _by_name(containers: list[Obj]) -> dict[str, Obj]:
    return {str(container.get("name")): container for container in containers}


def _text(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_text(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_text(item) for item in value) + "]"
    return str(value)
