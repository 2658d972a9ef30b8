"""How one value is stored in ``status.checkpoint``: readable JSON, the serializer's
bytes, or a reference to PostgreSQL.

- ``{"json": <value>, "nulls": [<pointer>, ...]}``: plain JSON, as it is (see
  :mod:`~kubernaut.graphs.checkpoint.plain_json` for the nulls);
- ``{"type": <serde type>, "b64": <base64>}``: anything else, through the saver's
  serializer (``dumps_typed``);
- ``{"ref": "sha256:...", "bytes": N}`` (with ``"type"`` when serialized): an encoding
  longer than the inline budget, kept in the :class:`~kubernaut.store.BlobStore`.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

import orjson
from langgraph.checkpoint.serde.base import SerializerProtocol

from kubernaut.graphs.checkpoint.errors import CheckpointError
from kubernaut.graphs.checkpoint.plain_json import is_plain_json, with_nulls, without_nulls
from kubernaut.store import BlobStore

INLINE_BUDGET = 4096
"""Bytes of encoded value kept in the object; longer ones go to PostgreSQL."""

Entry = dict[str, Any]
ENTRY_FIELDS = ("json", "nulls", "type", "b64", "ref", "bytes")


def inline(value: Any, serde: SerializerProtocol, *, readable: bool = True) -> Entry:
    """``value`` encoded in the object itself, whatever its size. ``readable`` False
    sends plain JSON through the serializer too; so does a None, which a merge patch
    would take for a deletion."""
    if readable and value is not None and is_plain_json(value):
        stripped, nulls = without_nulls(value)
        return {"json": stripped, "nulls": nulls} if nulls else {"json": stripped}
    type_, data = serde.dumps_typed(value)
    return {"type": type_, "b64": base64.b64encode(data).decode("ascii")}


def from_inline(entry: Entry, serde: SerializerProtocol) -> Any:
    if "type" in entry and "b64" in entry:
        return serde.loads_typed((entry["type"], base64.b64decode(entry["b64"])))
    if "json" in entry:
        return with_nulls(entry["json"], entry.get("nulls") or [])
    raise CheckpointError(f"not a stored value (fields {sorted(entry)}): was it edited by hand?")


def replacing(entry: Entry) -> Entry:
    """``entry`` as a merge patch that also clears the fields of whatever entry it
    overwrites (a merge patch otherwise keeps them)."""
    return {**dict.fromkeys(ENTRY_FIELDS), **entry}


class ValueCodec:
    """Encodes values for one saver: inline up to ``inline_budget`` bytes of encoding,
    else into ``blobs`` under the thread's id."""

    def __init__(self, blobs: BlobStore, inline_budget: int = INLINE_BUDGET) -> None:
        if inline_budget < 0:
            raise ValueError(f"inline_budget is a number of bytes, not {inline_budget}")
        self.blobs = blobs
        self.inline_budget = inline_budget

    async def encode(
        self, thread_id: str, value: Any, serde: SerializerProtocol, *, readable: bool = True
    ) -> Entry:
        entry = inline(value, serde, readable=readable)
        if len(orjson.dumps(entry)) <= self.inline_budget:
            return entry
        if "json" in entry:
            data = orjson.dumps(value)
            return {"ref": await self.blobs.put(thread_id, data), "bytes": len(data)}
        type_, data = serde.dumps_typed(value)
        return {"ref": await self.blobs.put(thread_id, data), "bytes": len(data), "type": type_}

    async def decode(
        self, thread_id: str, entries: Sequence[Entry], serde: SerializerProtocol
    ) -> list[Any]:
        """The values of ``entries``, reading every referenced blob in one query."""
        refs = [entry["ref"] for entry in entries if "ref" in entry]
        blobs = await self.blobs.get_many(thread_id, refs) if refs else {}
        return [_decoded(entry, blobs, serde) for entry in entries]


def _decoded(entry: Entry, blobs: dict[str, bytes], serde: SerializerProtocol) -> Any:
    if "ref" not in entry:
        return from_inline(entry, serde)
    data = blobs[entry["ref"]]
    if "type" in entry:
        return serde.loads_typed((entry["type"], data))
    return orjson.loads(data)
