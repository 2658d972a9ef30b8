"""Label selectors (``matchLabels`` and ``matchExpressions``) evaluated client-side, and
the label keys a selector depends on."""

from __future__ import annotations

from typing import Any


def selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    """Whether ``selector`` matches an object with ``labels`` (an empty selector matches
    everything, as for a workload)."""
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or []:
        key, operator = expression.get("key", ""), expression.get("operator")
        values = expression.get("values") or []
        present = key in labels
        if operator == "In" and not (present and labels[key] in values):
            return False
        if operator == "NotIn" and present and labels[key] in values:
            return False
        if operator == "Exists" and not present:
            return False
        if operator == "DoesNotExist" and present:
            return False
    return True


def selector_keys(selector: dict[str, Any]) -> set[str]:
    keys = set(selector.get("matchLabels") or {})
    keys.update(str(e.get("key")) for e in selector.get("matchExpressions") or [])
    return keys


def selector_string(selector: dict[str, Any]) -> str:
    """``selector`` in the ``labelSelector`` query syntax (``app=web,tier in (a,b)``)."""
    parts = [f"{key}={value}" for key, value in sorted((selector.get("matchLabels") or {}).items())]
    for expression in selector.get("matchExpressions") or []:
        key, operator = expression.get("key", ""), expression.get("operator")
        values = ",".join(expression.get("values") or [])
        if operator == "In":
            parts.append(f"{key} in ({values})")
        elif operator == "NotIn":
            parts.append(f"{key} notin ({values})")
        elif operator == "Exists":
            parts.append(key)
        elif operator == "DoesNotExist":
            parts.append(f"!{key}")
    return ",".join(parts)
