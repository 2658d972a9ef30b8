"""Blobs: content-addressed, idempotent, per thread, and deleted with their thread."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator

import pytest

from kubernaut.store import BlobNotFound, BlobStore, Database


@pytest.fixture
async def blobs(database_url: str) -> AsyncIterator[BlobStore]:
    async with Database() as database:
        yield BlobStore(database)


async def _rows(blobs: BlobStore) -> int:
    count: int = await blobs.database.pool.fetchval("SELECT count(*) FROM kubernaut.blobs")
    return count


async def test_a_blob_round_trips_under_its_sha256(blobs: BlobStore) -> None:
    data = bytes(range(256)) * 100
    thread = str(uuid.uuid4())

    ref = await blobs.put(thread, data)

    assert ref == "sha256:" + hashlib.sha256(data).hexdigest()
    assert await blobs.get(thread, ref) == data


async def test_storing_the_same_bytes_again_keeps_one_copy(blobs: BlobStore) -> None:
    thread = str(uuid.uuid4())
    first = await blobs.put(thread, b"the same bytes")
    again = await blobs.put(thread, b"the same bytes")
    assert first == again
    assert await _rows(blobs) == 1


async def test_deleting_a_thread_deletes_its_blobs_and_no_others(blobs: BlobStore) -> None:
    doomed, kept = str(uuid.uuid4()), str(uuid.uuid4())
    shared = await blobs.put(doomed, b"in both threads")
    await blobs.put(doomed, b"only in the doomed thread")
    await blobs.put(kept, b"in both threads")

    assert await blobs.delete_thread(doomed) == 2

    with pytest.raises(BlobNotFound, match=f"no blob {shared} for thread {doomed}"):
        await blobs.get(doomed, shared)
    assert await blobs.get(kept, shared) == b"in both threads"
    assert await blobs.delete_thread(doomed) == 0


async def test_a_blob_is_only_found_in_its_own_thread(blobs: BlobStore) -> None:
    ref = await blobs.put("thread-a", b"payload")
    with pytest.raises(BlobNotFound, match="the thread was deleted, or its checkpoints"):
        await blobs.get("thread-b", ref)


async def test_several_blobs_are_read_at_once_and_all_must_be_there(blobs: BlobStore) -> None:
    refs = [await blobs.put("t", f"value {n}".encode()) for n in range(3)]
    found = await blobs.get_many("t", refs)
    assert found == {ref: f"value {n}".encode() for n, ref in enumerate(refs)}

    missing = "sha256:" + "0" * 64
    with pytest.raises(BlobNotFound, match=r"nor 1 more"):
        await blobs.get_many("t", [refs[0], missing, "sha256:" + "1" * 64])


async def test_a_reference_of_another_shape_is_refused(blobs: BlobStore) -> None:
    with pytest.raises(ValueError, match="not a blob reference: 'md5:abc'"):
        await blobs.get("t", "md5:abc")
