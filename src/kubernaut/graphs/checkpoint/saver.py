"""A LangGraph checkpointer that keeps each checkpoint in the status of a Kubernetes
object, so that ``kubectl`` shows a graph's state and a restarted process resumes it.

Values too large for the object (by default, encodings over 4 KiB) go to PostgreSQL by
content hash; the status keeps the reference. Every ``put`` and ``put_writes`` is one
JSON merge patch of the holder's status subresource (see
:mod:`~kubernaut.graphs.checkpoint.layout`).
"""

from __future__ import annotations

import asyncio
import builtins
import random
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    WRITES_IDX_MAP,
    BaseCheckpointSaver,
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
    get_checkpoint_id,
    get_serializable_checkpoint_metadata,
    writes_sort_key,
)
from langgraph.checkpoint.serde.base import SerializerProtocol

from kubernaut.graphs.checkpoint.codec import (
    INLINE_BUDGET,
    Entry,
    ValueCodec,
    from_inline,
    inline,
    replacing,
)
from kubernaut.graphs.checkpoint.errors import CheckpointError
from kubernaut.graphs.checkpoint.holders import Holder, HolderLocator
from kubernaut.graphs.checkpoint.layout import (
    CLEAR,
    ThreadStore,
    checkpoint_key,
    status_patch,
    value_key,
    write_key,
)
from kubernaut.kube import KubeClient
from kubernaut.kube.errors import KubeApiError
from kubernaut.store import BlobStore

T = TypeVar("T")

Projection = Callable[[Holder, Checkpoint, CheckpointMetadata], dict[str, Any]]
"""Extra status fields derived from a checkpoint (say, the decision trail), written in
the same patch as the checkpoint. It gets the checkpoint with its channel values."""


@dataclass(frozen=True)
class _Stored:
    """One checkpoint record of the status, decoded."""

    key: str
    ns: str
    parent: str | None
    checkpoint: dict[str, Any]
    metadata: dict[str, Any]

    @property
    def id(self) -> str:
        checkpoint_id: str = self.checkpoint["id"]
        return checkpoint_id


class CrdCheckpointSaver(BaseCheckpointSaver[str]):
    """Checkpoints of a thread in the status of the objects ``locator`` names.

    Create it on the event loop ``client`` runs on. The async methods are the
    implementation; the sync ones run them on that loop from another thread and refuse
    to be called on the loop's own thread, where they would wait forever.
    """

    def __init__(
        self,
        client: KubeClient,
        locator: HolderLocator,
        blobs: BlobStore,
        *,
        inline_budget: int = INLINE_BUDGET,
        projection: Projection | None = None,
        serde: SerializerProtocol | None = None,
    ) -> None:
        super().__init__(serde=serde)
        self.client = client
        self.locator = locator
        self.codec = ValueCodec(blobs, inline_budget)
        self.projection = projection
        try:
            self.loop = asyncio.get_running_loop()
        except RuntimeError:
            raise CheckpointError(
                "create the CrdCheckpointSaver inside a running event loop (the one its "
                "Kubernetes client uses): its sync methods run their work on that loop"
            ) from None

    # -- reading ---------------------------------------------------------------------

    async def aget_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        thread_id, ns = _thread_and_ns(config)
        wanted = get_checkpoint_id(config)
        store = await self._read(thread_id)
        for stored in self._stored(store):
            if stored.ns == ns and (wanted is None or stored.id == wanted):
                return await self._tuple(thread_id, store, stored)
        return None

    async def alist(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[CheckpointTuple]:
        """Newest first. ``config`` must name a thread: checkpoints live on its objects.
        Without a ``checkpoint_ns`` in it, every namespace is listed."""
        if config is None:
            raise CheckpointError(
                "CrdCheckpointSaver lists the checkpoints of one thread: pass a config "
                "with configurable.thread_id"
            )
        thread_id = str(config["configurable"]["thread_id"])
        ns = config["configurable"].get("checkpoint_ns")
        wanted = get_checkpoint_id(config)
        before_id = get_checkpoint_id(before) if before else None
        store = await self._read(thread_id)
        listed = 0
        for stored in self._stored(store):
            if limit is not None and listed >= limit:
                return
            if (
                (ns is not None and stored.ns != ns)
                or (wanted and stored.id != wanted)
                or (before_id and stored.id >= before_id)
                or (filter and any(stored.metadata.get(k) != v for k, v in filter.items()))
            ):
                continue
            listed += 1
            yield await self._tuple(thread_id, store, stored)

    # -- writing ---------------------------------------------------------------------

    async def aput(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        """One merge patch: the checkpoint without its channel values, the values of the
        channels in ``new_versions`` only (the others are at versions stored before),
        and the projection's fields."""
        thread_id, ns = _thread_and_ns(config)
        holder = await self.locator.holder_for(config)
        channel_values = checkpoint["channel_values"]
        kept = [(c, v) for c, v in new_versions.items() if c in channel_values]
        encoded = await asyncio.gather(
            *(self.codec.encode(thread_id, channel_values[c], self.serde) for c, _ in kept)
        )
        values: dict[str, Entry | None] = {
            value_key(ns, channel, version): entry
            for (channel, version), entry in zip(kept, encoded, strict=True)
        }
        for channel, version in new_versions.items():
            if channel not in channel_values:
                # The channel was emptied: nothing is kept at this version, and null
                # also removes whatever a forked branch may have left under its key.
                values[value_key(ns, channel, version)] = None
        saved_metadata = get_serializable_checkpoint_metadata(config, metadata)
        record: dict[str, Any] = {
            "checkpoint": inline(
                {k: v for k, v in checkpoint.items() if k != "channel_values"}, self.serde
            ),
            "metadata": inline(saved_metadata, self.serde),
        }
        if ns:
            record["ns"] = ns
        if parent := config["configurable"].get("checkpoint_id"):
            record["parent"] = parent
        patch = status_patch(
            thread_id,
            _now(),
            checkpoints={checkpoint_key(ns, checkpoint["id"]): record},
            values=values,
        )
        if self.projection is not None:
            patch["status"] = {
                **self._projected(holder, checkpoint, saved_metadata),
                **patch["status"],
            }
        await self._patch(holder, patch)
        return {
            "configurable": {
                "thread_id": thread_id,
                "checkpoint_ns": ns,
                "checkpoint_id": checkpoint["id"],
            }
        }

    async def aput_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        """One merge patch with the task's writes, keyed by task and index. Writes to
        LangGraph's special channels (error, interrupt, resume, scheduled) have negative
        indices and replace what the task wrote there before, so they are always
        serialized: a merge patch replaces a string whole but merges objects."""
        thread_id, ns = _thread_and_ns(config)
        holder = await self.locator.holder_for(config)
        indexed = [
            (WRITES_IDX_MAP.get(channel, index), channel, value)
            for index, (channel, value) in enumerate(writes)
        ]
        encoded = await asyncio.gather(
            *(
                self.codec.encode(thread_id, value, self.serde, readable=index >= 0)
                for index, _, value in indexed
            )
        )
        task_writes = {
            write_key(task_id, index): {
                "task": task_id,
                "index": index,
                "channel": channel,
                "path": task_path,
                "value": entry if index >= 0 else replacing(entry),
            }
            for (index, channel, _), entry in zip(indexed, encoded, strict=True)
        }
        key = checkpoint_key(ns, config["configurable"]["checkpoint_id"])
        await self._patch(holder, status_patch(thread_id, _now(), writes={key: task_writes}))

    async def adelete_thread(self, thread_id: str) -> None:
        """Clear the checkpoints from every holder of the thread (their other status
        fields stay) and delete the thread's blobs."""
        holders = await self.locator.holders(thread_id)
        await self._read(thread_id, holders)  # refuses objects of another thread
        for holder in holders:
            await self._patch(holder, CLEAR, missing_ok=True)
        await self.codec.blobs.delete_thread(thread_id)

    def get_next_version(self, current: str | int | float | None, channel: None) -> str:
        """``<step, 10 digits>.<8 random hex digits>``: ordered as strings, and distinct
        across branches forked from one checkpoint, whose values would otherwise share
        the key ``<channel>@<version>``."""
        number = 0 if current is None else int(str(current).split(".")[0])
        return f"{number + 1:010d}.{random.getrandbits(32):08x}"

    # -- the sync API ----------------------------------------------------------------

    def get_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        return self._blocking("get_tuple", self.aget_tuple(config))

    def list(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> Iterator[CheckpointTuple]:
        listing = self.alist(config, filter=filter, before=before, limit=limit)
        return iter(self._blocking("list", _collected(listing)))

    def put(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        return self._blocking("put", self.aput(config, checkpoint, metadata, new_versions))

    def put_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        self._blocking("put_writes", self.aput_writes(config, writes, task_id, task_path))

    def delete_thread(self, thread_id: str) -> None:
        self._blocking("delete_thread", self.adelete_thread(thread_id))

    def _blocking(self, method: str, work: Coroutine[Any, Any, T]) -> T:
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self.loop or not self.loop.is_running():
            work.close()
            if running is self.loop:
                raise asyncio.InvalidStateError(
                    f"CrdCheckpointSaver.{method} was called on the thread of the event loop "
                    "the saver works on, and would wait for that loop forever: await "
                    f"a{method} there, or call {method} from another thread"
                )
            raise CheckpointError(
                f"CrdCheckpointSaver.{method}: the event loop the saver was created on is "
                "not running; create the saver on a loop that outlives its use"
            )
        return asyncio.run_coroutine_threadsafe(work, self.loop).result()

    # -- internals -------------------------------------------------------------------

    async def _read(
        self, thread_id: str, holders: builtins.list[Holder] | None = None
    ) -> ThreadStore:
        found = holders if holders is not None else await self.locator.holders(thread_id)
        objects = await asyncio.gather(
            *(self.client.get(h.api_version, h.kind, h.namespace, h.name) for h in found)
        )
        return ThreadStore.merged(
            thread_id, [(h, obj) for h, obj in zip(found, objects, strict=True) if obj is not None]
        )

    def _stored(self, store: ThreadStore) -> builtins.list[_Stored]:
        """Every checkpoint record, newest first (ids are uuid6: they sort by time)."""
        stored = [
            _Stored(
                key=key,
                ns=record.get("ns", ""),
                parent=record.get("parent"),
                checkpoint=from_inline(record["checkpoint"], self.serde),
                metadata=from_inline(record["metadata"], self.serde),
            )
            for key, record in store.checkpoints.items()
        ]
        return sorted(stored, key=lambda s: (s.id, s.ns), reverse=True)

    async def _tuple(self, thread_id: str, store: ThreadStore, stored: _Stored) -> CheckpointTuple:
        versions: dict[str, Any] = stored.checkpoint["channel_versions"]
        present = [
            (channel, store.values[key])
            for channel, version in versions.items()
            if (key := value_key(stored.ns, channel, version)) in store.values
        ]
        pending = sorted(
            store.writes.get(stored.key, {}).values(),
            key=lambda w: writes_sort_key(w.get("path", ""), w["task"], w["index"]),
        )
        decoded = await self.codec.decode(
            thread_id, [entry for _, entry in present] + [w["value"] for w in pending], self.serde
        )
        channel_values = {
            channel: value
            for (channel, _), value in zip(present, decoded[: len(present)], strict=True)
        }
        pending_writes = [
            (w["task"], w["channel"], value)
            for w, value in zip(pending, decoded[len(present) :], strict=True)
        ]

        def config_of(checkpoint_id: str) -> RunnableConfig:
            return {
                "configurable": {
                    "thread_id": thread_id,
                    "checkpoint_ns": stored.ns,
                    "checkpoint_id": checkpoint_id,
                }
            }

        checkpoint: Any = {**stored.checkpoint, "channel_values": channel_values}
        metadata: Any = stored.metadata
        return CheckpointTuple(
            config=config_of(stored.id),
            checkpoint=checkpoint,
            metadata=metadata,
            parent_config=config_of(stored.parent) if stored.parent else None,
            pending_writes=pending_writes,
        )

    def _projected(
        self, holder: Holder, checkpoint: Checkpoint, metadata: CheckpointMetadata
    ) -> dict[str, Any]:
        assert self.projection is not None
        fields = self.projection(holder, checkpoint, metadata)
        if "checkpoint" in fields:
            raise CheckpointError(
                "the projection returned a 'checkpoint' field: that one is the saver's"
            )
        return fields

    async def _patch(
        self, holder: Holder, body: dict[str, Any], *, missing_ok: bool = False
    ) -> None:
        try:
            await self.client.patch(
                holder.api_version,
                holder.kind,
                holder.namespace,
                holder.name,
                body,
                patch_type="merge",
                subresource="status",
            )
        except KubeApiError as error:
            if error.status != 404:
                raise
            if not missing_ok:
                raise CheckpointError(
                    f"cannot keep checkpoints in {holder}: it does not exist (create it "
                    "before running the graph, or fix the holder locator)"
                ) from error


def _thread_and_ns(config: RunnableConfig) -> tuple[str, str]:
    configurable = config["configurable"]
    return str(configurable["thread_id"]), str(configurable.get("checkpoint_ns") or "")


def _now() -> datetime:
    return datetime.now(UTC)


async def _collected(items: AsyncIterator[T]) -> builtins.list[T]:
    return [item async for item in items]
