"""Short, stable, name-safe hashes of pod templates (pod-template-hash, revision hashes).

Like Kubernetes: a 32-bit FNV-1a over the object, optionally salted with a collision
count, printed in decimal and mapped onto the vowel-free alphabet generated names use.
"""

from __future__ import annotations

from typing import Any

import orjson

_SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
_FNV_OFFSET = 0x811C9DC5
_FNV_PRIME = 0x01000193


def fnv1a_32(data: bytes) -> int:
    value = _FNV_OFFSET
    for byte in data:
        value = ((value ^ byte) * _FNV_PRIME) & 0xFFFFFFFF
    return value


def safe_encode(text: str) -> str:
    """Map each character onto the safe alphabet, as Kubernetes does for hash strings."""
    return "".join(_SAFE_ALPHABET[ord(char) % len(_SAFE_ALPHABET)] for char in text)


def short_hash(value: Any, collision_count: int | None = None) -> str:
    data = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    if collision_count:
        data += str(collision_count).encode()
    return safe_encode(str(fnv1a_32(data)))
