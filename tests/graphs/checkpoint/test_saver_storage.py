"""What the CRD saver writes into an object's status, seen through the API server: one
merge patch per call, only the new channel versions, readable JSON, large values in
PostgreSQL, and other status fields left alone."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
import yaml
from checkpoint_support import NAMESPACE, OneHolder, create_analysis, read_status
from langchain_core.messages import AIMessage
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import ChannelVersions, Checkpoint, CheckpointMetadata
from langgraph.checkpoint.conformance.test_utils import generate_checkpoint, generate_metadata

from kubernaut.crds import AIAnalysisPhase
from kubernaut.graphs.checkpoint import CheckpointError, CrdCheckpointSaver, Holder
from kubernaut.kube import KubeClient
from kubernaut.sim.server import Simulator
from kubernaut.store import BlobNotFound, BlobStore
from support import Kubectl


def _config(thread_id: str, **configurable: Any) -> RunnableConfig:
    return {"configurable": {"thread_id": thread_id, "checkpoint_ns": "", **configurable}}


def _checkpoint(values: dict[str, Any], versions: ChannelVersions) -> Checkpoint:
    return generate_checkpoint(channel_values=values, channel_versions=versions)


@pytest.fixture
async def holder(kube: KubeClient) -> Holder:
    return await create_analysis(kube, NAMESPACE, f"aia-{uuid.uuid4().hex[:8]}", "thread")


@pytest.fixture
async def saver(kube: KubeClient, blobs: BlobStore, holder: Holder) -> CrdCheckpointSaver:
    return CrdCheckpointSaver(kube, OneHolder(holder), blobs)


def _status_patches(sim: Simulator, since: int) -> list[str]:
    return [
        f"{r.verb} {r.resource}/{r.subresource}".rstrip("/")
        for r in sim.request_log.records()[since:]
    ]


async def test_a_put_writes_only_the_channels_in_new_versions(
    kube: KubeClient, saver: CrdCheckpointSaver, holder: Holder
) -> None:
    first = await saver.aput(
        _config("thread"),
        _checkpoint({"a": "one", "b": {"n": 1}}, {"a": "1", "b": "1"}),
        generate_metadata(step=0),
        {"a": "1", "b": "1"},
    )
    # b is at version 1 still; a value under it that differs from the stored one shows
    # whether the saver wrote it again.
    second = await saver.aput(
        first,
        _checkpoint({"a": "two", "b": {"n": 999}}, {"a": "2", "b": "1"}),
        generate_metadata(step=1),
        {"a": "2"},
    )

    values = (await read_status(kube, holder))["checkpoint"]["values"]
    assert values == {"a@1": {"json": "one"}, "b@1": {"json": {"n": 1}}, "a@2": {"json": "two"}}
    latest = await saver.aget_tuple(_config("thread"))
    assert latest is not None
    assert latest.config == second
    assert latest.checkpoint["channel_values"] == {"a": "two", "b": {"n": 1}}
    assert latest.parent_config == {"configurable": {**first["configurable"]}}


async def test_each_put_and_put_writes_is_one_status_patch_and_nothing_else(
    sim: Simulator, saver: CrdCheckpointSaver
) -> None:
    since = len(sim.request_log)
    stored = await saver.aput(
        _config("thread"), _checkpoint({"a": 1}, {"a": "1"}), generate_metadata(), {"a": "1"}
    )
    await saver.aput_writes(stored, [("a", 2), ("b", [3])], "task-1")
    await saver.aput(stored, _checkpoint({"a": 2}, {"a": "2"}), generate_metadata(), {"a": "2"})

    assert _status_patches(sim, since) == ["patch aianalyses/status"] * 3


async def test_the_latest_checkpoint_is_that_of_the_namespace_asked_for(
    saver: CrdCheckpointSaver,
) -> None:
    root = await saver.aput(
        _config("thread"), _checkpoint({"x": "root"}, {"x": "1"}), generate_metadata(), {"x": "1"}
    )
    await saver.aput(
        _config("thread", checkpoint_ns="child:1"),
        _checkpoint({"x": "child"}, {"x": "1"}),
        generate_metadata(),
        {"x": "1"},
    )

    latest_root = await saver.aget_tuple(_config("thread"))
    latest_child = await saver.aget_tuple(_config("thread", checkpoint_ns="child:1"))

    assert latest_root is not None and latest_child is not None
    assert latest_root.config == root
    assert latest_root.checkpoint["channel_values"] == {"x": "root"}
    assert latest_child.checkpoint["channel_values"] == {"x": "child"}


async def test_large_values_go_to_postgresql_and_the_status_keeps_a_reference(
    kube: KubeClient, saver: CrdCheckpointSaver, holder: Holder, blobs: BlobStore
) -> None:
    report = "line of a long log\n" * 500
    message = AIMessage(content="a long answer " * 400)
    small = AIMessage(content="short")
    values = {"report": report, "message": message, "small": small, "count": 3}
    versions: ChannelVersions = dict.fromkeys(values, "1")

    stored = await saver.aput(
        _config("thread"), _checkpoint(values, versions), generate_metadata(), versions
    )

    kept = (await read_status(kube, holder))["checkpoint"]["values"]
    assert set(kept["report@1"]) == {"ref", "bytes"}
    assert kept["report@1"]["bytes"] == len(json.dumps(report))
    assert await blobs.get("thread", kept["report@1"]["ref"]) == json.dumps(report).encode()
    assert set(kept["message@1"]) == {"ref", "bytes", "type"}
    assert kept["message@1"]["type"] == "msgpack"
    assert set(kept["small@1"]) == {"type", "b64"}
    assert kept["count@1"] == {"json": 3}
    loaded = await saver.aget_tuple(stored)
    assert loaded is not None
    assert loaded.checkpoint["channel_values"] == values


async def test_the_inline_budget_decides_what_stays_in_the_object(
    kube: KubeClient, blobs: BlobStore, holder: Holder
) -> None:
    everything_out = CrdCheckpointSaver(kube, OneHolder(holder), blobs, inline_budget=0)
    everything_in = CrdCheckpointSaver(kube, OneHolder(holder), blobs, inline_budget=100_000)
    long_text = "x" * 50_000
    first = await everything_out.aput(
        _config("thread"), _checkpoint({"t": "tiny"}, {"t": "1"}), generate_metadata(), {"t": "1"}
    )
    await everything_in.aput(
        first, _checkpoint({"t": long_text}, {"t": "2"}), generate_metadata(), {"t": "2"}
    )

    kept = (await read_status(kube, holder))["checkpoint"]["values"]
    assert set(kept["t@1"]) == {"ref", "bytes"}
    assert kept["t@2"] == {"json": long_text}
    with pytest.raises(ValueError, match="inline_budget is a number of bytes"):
        CrdCheckpointSaver(kube, OneHolder(holder), blobs, inline_budget=-1)


async def test_nulls_survive_the_merge_patch(
    kube: KubeClient, saver: CrdCheckpointSaver, holder: Holder
) -> None:
    """A merge patch deletes null-valued keys; the saver keeps where they were."""
    value = {"a": None, "list": [None, {"c": None, "d": 1}], "odd/key~": None, "e": {}}
    stored = await saver.aput(
        _config("thread"),
        _checkpoint({"v": value, "none": None}, {"v": "1", "none": "1"}),
        generate_metadata(),
        {"v": "1", "none": "1"},
    )

    kept = (await read_status(kube, holder))["checkpoint"]["values"]
    assert kept["v@1"]["json"] == {"list": [None, {"d": 1}], "e": {}}
    assert kept["v@1"]["nulls"] == ["/a", "/list/1/c", "/odd~1key~0"]
    loaded = await saver.aget_tuple(stored)
    assert loaded is not None
    assert loaded.checkpoint["channel_values"] == {"v": value, "none": None}


async def test_kubectl_shows_values_metadata_and_writes_as_readable_yaml(
    kubectl: Kubectl, saver: CrdCheckpointSaver, holder: Holder
) -> None:
    signal = {"name": "KubePodCrashLooping", "labels": {"namespace": "shop"}, "summary": "oom"}
    stored = await saver.aput(
        _config("thread"),
        _checkpoint({"signal": signal}, {"signal": "0000000001.1a2b3c4d"}),
        generate_metadata(source="loop", step=3),
        {"signal": "0000000001.1a2b3c4d"},
    )
    await saver.aput_writes(stored, [("outcome", "Remediated")], "task-9", "~__pregel_pull, verify")

    shown = yaml.safe_load(kubectl("-n", NAMESPACE, "get", "aia", holder.name, "-o", "yaml"))
    store = shown["status"]["checkpoint"]
    record = store["checkpoints"][stored["configurable"]["checkpoint_id"]]

    assert store["threadId"] == "thread"
    assert store["values"]["signal@0000000001.1a2b3c4d"] == {"json": signal}
    assert record["metadata"]["json"]["step"] == 3
    assert record["checkpoint"]["json"]["channel_versions"] == {"signal": "0000000001.1a2b3c4d"}
    assert "channel_values" not in record["checkpoint"]["json"]
    write = store["writes"][stored["configurable"]["checkpoint_id"]]["task-9/0"]
    assert write == {
        "task": "task-9",
        "index": 0,
        "channel": "outcome",
        "path": "~__pregel_pull, verify",
        "value": {"json": "Remediated"},
    }


async def test_the_projection_lands_in_the_same_patch_and_other_fields_stay(
    sim: Simulator, kube: KubeClient, blobs: BlobStore, holder: Holder
) -> None:
    seen: list[tuple[Holder, Any, CheckpointMetadata]] = []

    def project(target: Holder, checkpoint: Checkpoint, metadata: CheckpointMetadata) -> Any:
        seen.append((target, checkpoint["channel_values"], metadata))
        return {"node": checkpoint["channel_values"]["node"], "reason": f"step {metadata['step']}"}

    await kube.patch(
        holder.api_version,
        holder.kind,
        holder.namespace,
        holder.name,
        {"status": {"phase": "Investigating", "message": "the controller's"}},
        subresource="status",
    )
    saver = CrdCheckpointSaver(kube, OneHolder(holder), blobs, projection=project)
    since = len(sim.request_log)

    await saver.aput(
        _config("thread"),
        _checkpoint({"node": "recommend"}, {"node": "1"}),
        generate_metadata(step=4),
        {"node": "1"},
    )

    assert _status_patches(sim, since) == ["patch aianalyses/status"]
    status = await read_status(kube, holder)
    assert (status["node"], status["reason"]) == ("recommend", "step 4")
    assert (status["phase"], status["message"]) == ("Investigating", "the controller's")
    assert seen == [(holder, {"node": "recommend"}, generate_metadata(step=4))]


async def test_a_projection_may_not_write_the_checkpoint(
    kube: KubeClient, blobs: BlobStore, holder: Holder
) -> None:
    saver = CrdCheckpointSaver(
        kube, OneHolder(holder), blobs, projection=lambda *_: {"checkpoint": {}}
    )
    with pytest.raises(CheckpointError, match="'checkpoint' field: that one is the saver's"):
        await saver.aput(_config("thread"), _checkpoint({}, {}), generate_metadata(), {})


async def test_deleting_the_thread_clears_checkpoints_and_blobs_only(
    kube: KubeClient, saver: CrdCheckpointSaver, holder: Holder, blobs: BlobStore
) -> None:
    await kube.patch(
        holder.api_version,
        holder.kind,
        holder.namespace,
        holder.name,
        {"status": {"phase": "Completed"}},
        subresource="status",
    )
    stored = await saver.aput(
        _config("thread"),
        _checkpoint({"big": "y" * 9000}, {"big": "1"}),
        generate_metadata(),
        {"big": "1"},
    )
    ref = (await read_status(kube, holder))["checkpoint"]["values"]["big@1"]["ref"]

    await saver.adelete_thread("thread")

    status = await read_status(kube, holder)
    assert "checkpoint" not in status
    assert status["phase"] == "Completed"
    assert await saver.aget_tuple(stored) is None
    with pytest.raises(BlobNotFound):
        await blobs.get("thread", ref)


async def test_a_missing_holder_is_named(kube: KubeClient, blobs: BlobStore) -> None:
    gone = Holder("kubernaut.io/v1alpha1", "AIAnalysis", NAMESPACE, "never-created")
    saver = CrdCheckpointSaver(kube, OneHolder(gone), blobs)
    with pytest.raises(CheckpointError, match="AIAnalysis kubernaut/never-created: it does not"):
        await saver.aput(_config("thread"), _checkpoint({}, {}), generate_metadata(), {})
    assert await saver.aget_tuple(_config("thread")) is None


async def test_a_holder_of_another_thread_is_refused(
    saver: CrdCheckpointSaver,
) -> None:
    await saver.aput(_config("thread"), _checkpoint({}, {}), generate_metadata(), {})
    with pytest.raises(CheckpointError, match="holds checkpoints of thread thread, not of other"):
        await saver.aget_tuple(_config("other"))


async def test_the_status_stays_small(
    kube: KubeClient, saver: CrdCheckpointSaver, holder: Holder
) -> None:
    """Twenty steps of a thread whose messages grow by a kilobyte each."""
    config = _config("thread")
    messages: list[AIMessage] = []
    for step in range(20):
        messages = [*messages, AIMessage(content=f"step {step} " + "z" * 1000)]
        versions: ChannelVersions = {"messages": f"{step + 1:010d}.0", "step": f"{step + 1:010d}.0"}
        config = await saver.aput(
            config,
            _checkpoint({"messages": messages, "step": step}, versions),
            generate_metadata(step=step),
            versions,
        )

    status = await read_status(kube, holder)
    size = len(json.dumps(status))
    outside = sum(v.get("bytes", 0) for v in status["checkpoint"]["values"].values())
    print(f"status after 20 steps: {size} bytes; {outside} bytes of values in PostgreSQL")
    assert size < 24 * 1024
    assert outside > 200_000
    latest = await saver.aget_tuple(_config("thread"))
    assert latest is not None
    assert latest.checkpoint["channel_values"]["messages"] == messages


async def test_values_that_are_not_exactly_json_keep_their_types(
    kube: KubeClient, saver: CrdCheckpointSaver, holder: Holder
) -> None:
    values = {
        "phase": AIAnalysisPhase.VALIDATING,
        "beyond_int64": 2**63,
        "ratio": float("inf"),
        "keys": {1: "one"},
        "plain": {"phase": "Validating", "ratio": 0.5},
    }
    versions: ChannelVersions = dict.fromkeys(values, "1")
    stored = await saver.aput(
        _config("thread"), _checkpoint(values, versions), generate_metadata(), versions
    )

    kept = (await read_status(kube, holder))["checkpoint"]["values"]
    loaded = await saver.aget_tuple(stored)

    assert [key for key, entry in kept.items() if "json" in entry] == ["plain@1"]
    assert loaded is not None
    assert loaded.checkpoint["channel_values"] == values
    assert type(loaded.checkpoint["channel_values"]["phase"]) is AIAnalysisPhase
