"""Label selectors: the ``matchLabels``/``matchExpressions`` form of workloads, as the
query string the list API takes, and matching labels against a Service's selector."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def selector_string(selector: Mapping[str, Any] | None) -> str:
    """A workload's LabelSelector as a list query (``app=web,tier in (a,b)``); empty
    when it selects everything or is missing."""
    if not selector:
        return ""
    terms = [f"{key}={value}" for key, value in (selector.get("matchLabels") or {}).items()]
    for expression in selector.get("matchExpressions") or []:
        key, operator = expression.get("key", ""), expression.get("operator", "")
        values = ",".join(str(value) for value in expression.get("values") or [])
        if operator == "In":
            terms.append(f"{key} in ({values})")
        elif operator == "NotIn":
            terms.append(f"{key} notin ({values})")
        elif operator == "Exists":
            terms.append(key)
        elif operator == "DoesNotExist":
            terms.append(f"!{key}")
    return ",".join(terms)


def labels_string(labels: Mapping[str, Any] | None) -> str:
    """Equality terms for a plain label map, such as a Service's selector."""
    return ",".join(f"{key}={value}" for key, value in (labels or {}).items())


def matches(selector: Mapping[str, Any] | None, labels: Mapping[str, Any] | None) -> bool:
    """Whether a Service-style selector (a plain map, non-empty) selects ``labels``."""
    if not selector:
        return False
    labels = labels or {}
    return all(labels.get(key) == value for key, value in selector.items())
