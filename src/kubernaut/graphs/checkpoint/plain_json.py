"""Values that can go into a Kubernetes object as they are, and come back equal.

Plain JSON is built of exactly ``dict`` (with ``str`` keys), ``list``, ``str``, ``int``
(in int64, what the API server keeps), finite ``float``, ``bool`` and ``None``;
subclasses such as enums are not, as they would come back as their base type.

A JSON merge patch (RFC 7386) deletes a key whose value is null, also inside the
objects it adds, so null-valued keys are taken out before a value is written and their
places kept as JSON pointers (RFC 6901) beside it, to be put back when it is read.
A real API server writes an integral float such as ``1.0`` back as ``1``; the two are
equal in Python.
"""

from __future__ import annotations

import copy
import math
from typing import Any

_INT64 = range(-(2**63), 2**63)


def is_plain_json(value: Any) -> bool:
    kind = type(value)
    if kind is dict:
        return all(type(key) is str and is_plain_json(item) for key, item in value.items())
    if kind is list:
        return all(is_plain_json(item) for item in value)
    if kind is int:
        return value in _INT64
    if kind is float:
        return math.isfinite(value)
    if kind is str:
        return _utf8(value)
    return kind in (bool, type(None))


def without_nulls(value: Any) -> tuple[Any, list[str]]:
    """A copy of plain JSON ``value`` without its null-valued keys, and their pointers."""
    pointers: list[str] = []
    return _strip(value, "", pointers), pointers


def with_nulls(value: Any, pointers: list[str]) -> Any:
    """A copy of ``value`` with null put back at each pointer of :func:`without_nulls`."""
    restored = copy.deepcopy(value)
    for pointer in pointers:
        *path, last = [_unescaped(token) for token in pointer.split("/")[1:]]
        parent = restored
        for token in path:
            parent = parent[int(token)] if isinstance(parent, list) else parent[token]
        parent[last] = None
    return restored


def _strip(value: Any, pointer: str, pointers: list[str]) -> Any:
    if isinstance(value, dict):
        kept: dict[str, Any] = {}
        for key, item in value.items():
            where = f"{pointer}/{_escaped(key)}"
            if item is None:
                pointers.append(where)
            else:
                kept[key] = _strip(item, where, pointers)
        return kept
    if isinstance(value, list):
        return [_strip(item, f"{pointer}/{index}", pointers) for index, item in enumerate(value)]
    return value


def _utf8(text: str) -> bool:
    """False for a string with lone surrogates, which JSON cannot carry."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _escaped(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _unescaped(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")
