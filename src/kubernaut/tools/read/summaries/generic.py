"""Any other kind: metadata plus its spec and status, trimmed to a bounded size (deep
structures elided, long lists and strings cut, free text redacted)."""

from __future__ import annotations

from typing import Any

from kubernaut.tools.read.summaries.common import clip, drop_empty, header, owner_text

Obj = dict[str, Any]

_DEPTH = 4
_ITEMS = 10
_STRING_CHARS = 200


def summarize_generic(obj: Obj) -> Obj:
    metadata = obj.get("metadata") or {}
    out = header(obj)
    out.update(
        drop_empty(
            {
                "owner": owner_text(obj),
                "labels": dict(metadata.get("labels") or {}),
                "created": metadata.get("creationTimestamp"),
                "spec": trim(obj.get("spec")),
                "status": trim(obj.get("status")),
            }
        )
    )
    for key in ("data", "rules", "subsets", "webhooks"):
        if key in obj and key not in out:
            out[key] = trim(obj[key])
    return out


def trim(value: Any, depth: int = 0) -> Any:
    """``value`` with at most ``_ITEMS`` entries per list, maps below ``_DEPTH`` levels
    shown as ``{...}``, and strings clipped and redacted."""
    if isinstance(value, dict):
        if depth >= _DEPTH:
            return "{...}"
        return {str(key): trim(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        if depth >= _DEPTH:
            return f"[{len(value)} items]"
        shown = [trim(item, depth + 1) for item in value[:_ITEMS]]
        if len(value) > _ITEMS:
            shown.append(f"... {len(value) - _ITEMS} more")
        return shown
    if isinstance(value, str):
        return clip(value, _STRING_CHARS)
    return value
