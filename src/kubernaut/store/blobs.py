"""Values too large for a Kubernetes object, by content hash, per graph thread."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from kubernaut.store.database import Database
from kubernaut.store.errors import BlobNotFound
from kubernaut.store.schema import SCHEMA

REF_PREFIX = "sha256:"
_REF = re.compile(r"sha256:[0-9a-f]{64}")


def blob_ref(data: bytes) -> str:
    """``sha256:<hex>``: the reference :meth:`BlobStore.put` answers for ``data``."""
    return REF_PREFIX + hashlib.sha256(data).hexdigest()


def _checked(ref: str) -> str:
    if not _REF.fullmatch(ref):
        raise ValueError(f"not a blob reference: {ref!r} (expected sha256:<64 hex digits>)")
    return ref


class BlobStore:
    """Content-addressed bytes, kept per thread: the same bytes in two threads are two
    rows, so that deleting a thread deletes exactly its blobs."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def put(self, thread_id: str, data: bytes) -> str:
        """Store ``data`` for ``thread_id``; its reference. Storing it again is a no-op."""
        ref = blob_ref(data)
        await self.database.pool.execute(
            f"""
            INSERT INTO {SCHEMA}.blobs (thread_id, ref, data, size) VALUES ($1, $2, $3, $4)
            ON CONFLICT (thread_id, ref) DO NOTHING
            """,
            thread_id,
            ref,
            data,
            len(data),
        )
        return ref

    async def get(self, thread_id: str, ref: str) -> bytes:
        return (await self.get_many(thread_id, [ref]))[ref]

    async def get_many(self, thread_id: str, refs: Iterable[str]) -> dict[str, bytes]:
        """Several blobs of one thread in one query; every one must be there."""
        wanted = sorted({_checked(ref) for ref in refs})
        if not wanted:
            return {}
        rows = await self.database.pool.fetch(
            f"SELECT ref, data FROM {SCHEMA}.blobs WHERE thread_id = $1 AND ref = ANY($2)",
            thread_id,
            wanted,
        )
        found: dict[str, bytes] = {row["ref"]: bytes(row["data"]) for row in rows}
        missing = [ref for ref in wanted if ref not in found]
        if missing:
            raise BlobNotFound(
                f"{self.database.where} has no blob {missing[0]} for thread {thread_id}"
                + (f" (nor {len(missing) - 1} more)" if len(missing) > 1 else "")
                + ": the thread was deleted, or its checkpoints were written with another "
                "database (check KUBERNAUT_DATABASE_URL / KUBERNAUT_DATA_DIR)"
            )
        return found

    async def delete_thread(self, thread_id: str) -> int:
        """Delete every blob of ``thread_id``; how many there were."""
        deleted: int = await self.database.pool.fetchval(
            f"""
            WITH gone AS (DELETE FROM {SCHEMA}.blobs WHERE thread_id = $1 RETURNING 1)
            SELECT count(*) FROM gone
            """,
            thread_id,
        )
        return deleted
