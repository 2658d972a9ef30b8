"""Pydantic JSON Schema -> a Kubernetes structural OpenAPI v3 schema.

Structural means: every node has a type (or says it keeps unknown fields), no ``$ref``,
no ``anyOf`` of types. So references are inlined, ``X | None`` becomes ``nullable``,
free-form ``dict[str, Any]`` and ``Any`` keep unknown fields, and titles go.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

Schema = dict[str, Any]

_KEPT = ("type", "format", "enum", "minimum", "maximum", "minLength", "maxLength", "pattern")
_DEFS_PREFIX = "#/$defs/"


def structural_schema(model: type[BaseModel]) -> Schema:
    raw = model.model_json_schema(by_alias=True, mode="serialization")
    return _convert(raw, raw.get("$defs") or {})


def _convert(node: Schema, defs: dict[str, Schema]) -> Schema:
    ref = node.get("$ref")
    if ref:
        target = _convert(defs[ref.removeprefix(_DEFS_PREFIX)], defs)
        return {**target, **_annotations(node)}
    variants = node.get("anyOf") or node.get("oneOf")
    if variants:
        return _union(node, variants, defs)
    if "allOf" in node and len(node["allOf"]) == 1:
        return {**_convert(node["allOf"][0], defs), **_annotations(node)}
    kind = node.get("type")
    if kind is None:
        return {"x-kubernetes-preserve-unknown-fields": True, **_annotations(node)}
    out: Schema = {key: node[key] for key in _KEPT if key in node}
    out.update(_annotations(node))
    if "exclusiveMinimum" in node:
        out["minimum"], out["exclusiveMinimum"] = node["exclusiveMinimum"], True
    if kind == "object":
        out.update(_object(node, defs))
    elif kind == "array":
        out["items"] = _convert(node.get("items") or {}, defs)
    return out


def _object(node: Schema, defs: dict[str, Schema]) -> Schema:
    properties = node.get("properties")
    additional = node.get("additionalProperties")
    if properties:
        out: Schema = {"properties": {k: _convert(v, defs) for k, v in properties.items()}}
        required = [name for name in node.get("required") or [] if name in properties]
        if required:
            out["required"] = required
        return out
    if isinstance(additional, dict) and additional.get("type") not in (None, "object"):
        return {"additionalProperties": _convert(additional, defs)}
    return {"x-kubernetes-preserve-unknown-fields": True}


def _union(node: Schema, variants: list[Schema], defs: dict[str, Schema]) -> Schema:
    concrete = [v for v in variants if v.get("type") != "null"]
    nullable = len(concrete) < len(variants)
    if len(concrete) == 1:
        out = _convert(concrete[0], defs)
    else:
        out = {"x-kubernetes-preserve-unknown-fields": True}
    out.update(_annotations(node))
    if nullable:
        out["nullable"] = True
    return out


def _annotations(node: Schema) -> Schema:
    """The description, as one line of plain text (docstrings carry reST quoting)."""
    text = node.get("description")
    return {"description": " ".join(text.replace("``", "").split())} if text else {}
