"""The layout of ``status.checkpoint`` (:class:`~kubernaut.crds.graph_status.CheckpointStore`):

- ``checkpoints["<id>"]`` (``"<ns>/<id>"`` in a subgraph's namespace): the checkpoint
  without its channel values, its metadata, its parent's id and its namespace;
- ``values["<channel>@<version>"]`` (``"<ns>/<channel>@<version>"``): one value of one
  channel, written by the checkpoint that introduced that version;
- ``writes["<checkpoint key>"]["<task id>/<index>"]``: a pending write of a task;
- ``threadId`` and ``updatedAt``.

Everything is keyed by id, so a checkpoint, or a task's writes, is one JSON merge patch
that adds keys: no read first, no conflict with another writer or with the other status
fields the controllers write. In keys, ``%``, ``/`` and ``@`` of names are %-escaped,
so that no two (namespace, channel, version) share a key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kubernaut.crds.graph_status import CheckpointStore
from kubernaut.graphs.checkpoint.codec import Entry
from kubernaut.graphs.checkpoint.errors import CheckpointError
from kubernaut.graphs.checkpoint.holders import Holder

CLEAR = {"status": {"checkpoint": None}}
"""The merge patch that removes a holder's checkpoints (and nothing else of its status)."""


def _escaped(name: str) -> str:
    return name.replace("%", "%25").replace("/", "%2F").replace("@", "%40")


def _in_namespace(ns: str, key: str) -> str:
    return f"{_escaped(ns)}/{key}" if ns else key


def checkpoint_key(ns: str, checkpoint_id: str) -> str:
    return _in_namespace(ns, _escaped(checkpoint_id))


def value_key(ns: str, channel: str, version: str | int | float) -> str:
    return _in_namespace(ns, f"{_escaped(channel)}@{_escaped(str(version))}")


def write_key(task_id: str, index: int) -> str:
    return f"{_escaped(task_id)}/{index}"


def status_patch(thread_id: str, now: datetime, **store: Mapping[str, Any]) -> dict[str, Any]:
    """A merge patch of the holder's status adding ``store``'s entries (``checkpoints``,
    ``values``, ``writes``) to its checkpoint store."""
    checkpoint = {"threadId": thread_id, **store, "updatedAt": now.isoformat()}
    return {"status": {"checkpoint": checkpoint}}


@dataclass
class ThreadStore:
    """The checkpoint stores of every holder of one thread, merged."""

    checkpoints: dict[str, Entry] = field(default_factory=dict)
    values: dict[str, Entry] = field(default_factory=dict)
    writes: dict[str, dict[str, Entry]] = field(default_factory=dict)

    @classmethod
    def merged(
        cls, thread_id: str, objects: Iterable[tuple[Holder, dict[str, Any]]]
    ) -> ThreadStore:
        merged = cls()
        for holder, obj in objects:
            store = CheckpointStore.model_validate(
                (obj.get("status") or {}).get("checkpoint") or {}
            )
            if store.thread_id and store.thread_id != thread_id:
                raise CheckpointError(
                    f"{holder} holds checkpoints of thread {store.thread_id}, not of "
                    f"{thread_id}: the holder locator returned an object of another thread"
                )
            merged.checkpoints.update(store.checkpoints)
            merged.values.update(store.values)
            for key, task_writes in store.writes.items():
                merged.writes.setdefault(key, {}).update(task_writes)
        return merged
