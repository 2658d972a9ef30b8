"""ConfigMaps: their keys, with values shown only for keys that do not look like
credentials, redacted and cut short."""

from __future__ import annotations

from typing import Any

from kubernaut.tools.read.summaries.common import drop_empty, header
from kubernaut.tools.redaction import redact_env

Obj = dict[str, Any]

VALUE_CHARS = 120


def summarize_configmap(configmap: Obj) -> Obj:
    data = configmap.get("data") or {}
    binary = configmap.get("binaryData") or {}
    out = header(configmap)
    out.update(
        drop_empty(
            {
                "keys": sorted([*data, *binary]),
                "data": {key: _value(key, str(value)) for key, value in data.items()},
                "binary_data": {
                    key: f"({len(str(value))} base64 characters)" for key, value in binary.items()
                },
            }
        )
    )
    return out


def _value(key: str, value: str) -> str:
    shown = redact_env(key, value)
    if len(shown) > VALUE_CHARS:
        return f"{shown[:VALUE_CHARS]}... [{len(shown) - VALUE_CHARS} more characters]"
    return shown
