"""A parameter model as a few readable lines (name, type, constraints, default, meaning),
for prompts and the documentation."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel


def _bounds(schema: dict[str, Any]) -> list[str]:
    low, high = schema.get("minimum"), schema.get("maximum")
    found = []
    if low is not None and high is not None:
        found.append(f"{low}..{high}")
    elif low is not None:
        found.append(f">= {low}")
    elif high is not None:
        found.append(f"<= {high}")
    if schema.get("minLength") == 1:
        found.append("non-empty")
    if "maxLength" in schema:
        found.append(f"up to {schema['maxLength']} characters")
    return found


def _type_text(schema: dict[str, Any]) -> str:
    """``integer >= 0``, ``string | null``, ``integer 1..500``, ``list of string``, ..."""
    if "anyOf" in schema:
        return " | ".join(_type_text(option) for option in schema["anyOf"])
    kind = str(schema.get("type", "any"))
    if kind == "array":
        kind = f"list of {_type_text(schema.get('items') or {})}"
    return " ".join([kind, *_bounds(schema)])


def parameter_lines(model: type[BaseModel]) -> list[str]:
    """One line per parameter: ``name (type; required|optional|default X): description``."""
    schema = model.model_json_schema()
    required = set(schema.get("required") or [])
    lines = []
    for name, prop in (schema.get("properties") or {}).items():
        if name in required:
            presence = "required"
        elif prop.get("default") is None:
            presence = "optional"
        else:
            presence = f"default {json.dumps(prop['default'])}"
        description = str(prop.get("description") or "").strip()
        line = f"{name} ({_type_text(prop)}; {presence})"
        lines.append(f"{line}: {description}" if description else line)
    return lines
