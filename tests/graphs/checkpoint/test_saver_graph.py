"""Compiled LangGraph graphs on the CRD saver: interrupted, then resumed by a new saver
(a restarted process) from what the objects' status holds; a remediation's analysis in
its AIAnalysis and its execution in its WorkflowExecution; and the sync API."""

from __future__ import annotations

import asyncio
import operator
import uuid
from pathlib import Path
from typing import Annotated, Any, TypedDict

import pytest
from checkpoint_support import (
    NAMESPACE,
    create_analysis,
    create_workflow,
    embedded,
    read_status,
)
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.conformance.test_utils import generate_checkpoint, generate_metadata
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command, interrupt

from kubernaut.graphs.checkpoint import (
    CHECKPOINT_HOLDER,
    CheckpointError,
    CrdCheckpointSaver,
    Holder,
    RemediationLocator,
    checkpoint_holder,
)
from kubernaut.kube import KubeClient
from kubernaut.sim.server import Simulator
from kubernaut.store import BlobStore, Database

REPORT = "an investigation report line\n" * 1000


class State(TypedDict, total=False):
    report: str
    notes: Annotated[list[str], operator.add]
    approved: bool


def investigate(state: State) -> dict[str, Any]:
    return {"report": REPORT, "notes": ["investigated"]}


def approve(state: State) -> dict[str, Any]:
    answer = interrupt({"question": "apply the change?", "report_chars": len(state["report"])})
    return {"approved": bool(answer["approved"]), "notes": ["asked"]}


def execute(state: State) -> dict[str, Any]:
    return {"notes": ["executed" if state["approved"] else "skipped"]}


def _graph(saver: BaseCheckpointSaver[Any]) -> CompiledStateGraph[Any, Any, Any, Any]:
    graph: StateGraph[Any, Any, Any, Any] = StateGraph(State)
    graph.add_node("investigate", investigate)
    graph.add_node("approve", approve)
    graph.add_node("execute", execute)
    graph.add_edge(START, "investigate")
    graph.add_edge("investigate", "approve")
    graph.add_edge("approve", "execute")
    graph.add_edge("execute", END)
    return graph.compile(checkpointer=saver)


def _run_config(thread_id: str, holder: Holder) -> RunnableConfig:
    return {
        "configurable": {
            "thread_id": thread_id,
            CHECKPOINT_HOLDER: checkpoint_holder(holder.kind, holder.namespace, holder.name),
        }
    }


async def test_a_restarted_process_resumes_the_interrupted_graph_from_the_status(
    sim: Simulator, kube: KubeClient, kubernaut_data_dir: Path
) -> None:
    thread_id = str(uuid.uuid4())
    analysis = await create_analysis(kube, NAMESPACE, "aia-restart", thread_id)
    config = _run_config(thread_id, analysis)

    async with (
        KubeClient(sim.kubeconfig_path) as client,
        Database(embedded(kubernaut_data_dir)) as database,
    ):
        first = CrdCheckpointSaver(client, RemediationLocator(client), BlobStore(database))
        paused = await _graph(first).ainvoke({"notes": []}, config)
    assert paused["__interrupt__"][0].value == {
        "question": "apply the change?",
        "report_chars": len(REPORT),
    }

    async with (
        KubeClient(sim.kubeconfig_path) as client,
        Database(embedded(kubernaut_data_dir)) as database,
    ):
        restarted = CrdCheckpointSaver(client, RemediationLocator(client), BlobStore(database))
        graph = _graph(restarted)
        waiting = await graph.aget_state(config)
        assert waiting.next == ("approve",)
        finished = await graph.ainvoke(Command(resume={"approved": True}), config)

    assert finished == {
        "report": REPORT,
        "notes": ["investigated", "asked", "executed"],
        "approved": True,
    }
    values = (await read_status(kube, analysis))["checkpoint"]["values"]
    reports = [entry for key, entry in values.items() if key.startswith("report@")]
    assert len(reports) == 1, "the report was written once, by the step that made it"
    assert set(reports[0]) == {"ref", "bytes"}


async def test_analysis_and_execution_checkpoints_live_in_their_own_objects(
    kube: KubeClient, blobs: BlobStore
) -> None:
    """The controller runs the analysis with the AIAnalysis as holder and resumes the
    execution with the WorkflowExecution: reads merge both."""
    thread_id = str(uuid.uuid4())
    analysis = await create_analysis(kube, NAMESPACE, "aia-split", thread_id)
    workflow = await create_workflow(kube, NAMESPACE, "wfe-split", thread_id)
    graph = _graph(CrdCheckpointSaver(kube, RemediationLocator(kube, NAMESPACE), blobs))

    await graph.ainvoke({"notes": []}, _run_config(thread_id, analysis))
    in_analysis = set((await read_status(kube, analysis))["checkpoint"]["checkpoints"])
    finished = await graph.ainvoke(
        Command(resume={"approved": False}), _run_config(thread_id, workflow)
    )
    in_workflow = set((await read_status(kube, workflow))["checkpoint"]["checkpoints"])

    assert finished["notes"] == ["investigated", "asked", "skipped"]
    assert in_analysis and in_workflow and not in_analysis & in_workflow
    assert max(in_analysis) < min(in_workflow)
    history = [
        s async for s in graph.aget_state_history({"configurable": {"thread_id": thread_id}})
    ]
    assert {s.config["configurable"]["checkpoint_id"] for s in history} == in_analysis | in_workflow
    assert history[0].values == finished


async def test_a_run_without_a_holder_in_its_config_is_told_what_to_set(
    kube: KubeClient, blobs: BlobStore
) -> None:
    graph = _graph(CrdCheckpointSaver(kube, RemediationLocator(kube), blobs))
    with pytest.raises(CheckpointError, match=r"no configurable\.checkpoint_holder"):
        await graph.ainvoke({"notes": []}, {"configurable": {"thread_id": "t"}})
    wrong = {
        "configurable": {"thread_id": "t", CHECKPOINT_HOLDER: checkpoint_holder("Pod", "a", "b")}
    }
    with pytest.raises(CheckpointError, match="kind 'Pod' cannot hold checkpoints"):
        await graph.ainvoke({"notes": []}, wrong)


async def test_the_remediation_locator_finds_holders_by_label_in_any_namespace(
    kube: KubeClient,
) -> None:
    thread_id = str(uuid.uuid4())
    await create_analysis(kube, NAMESPACE, "aia-mine", thread_id)
    await create_workflow(kube, "default", "wfe-mine", thread_id)
    await create_analysis(kube, NAMESPACE, "aia-other", str(uuid.uuid4()))

    everywhere = await RemediationLocator(kube).holders(thread_id)
    one_namespace = await RemediationLocator(kube, NAMESPACE).holders(thread_id)

    assert sorted(map(str, everywhere)) == [
        "AIAnalysis kubernaut/aia-mine",
        "WorkflowExecution default/wfe-mine",
    ]
    assert list(map(str, one_namespace)) == ["AIAnalysis kubernaut/aia-mine"]
    assert await RemediationLocator(kube).holders(str(uuid.uuid4())) == []


async def test_the_sync_api_works_from_a_worker_thread(kube: KubeClient, blobs: BlobStore) -> None:
    thread_id = str(uuid.uuid4())
    analysis = await create_analysis(kube, NAMESPACE, "aia-sync", thread_id)
    saver = CrdCheckpointSaver(kube, RemediationLocator(kube), blobs)
    config = _run_config(thread_id, analysis)

    def in_a_worker() -> tuple[dict[str, Any], int, int]:
        graph = _graph(saver)
        graph.invoke({"notes": []}, config)
        finished = graph.invoke(Command(resume={"approved": True}), config)
        stored = saver.put(
            config,
            generate_checkpoint(channel_values={"x": 1}, channel_versions={"x": "1"}),
            generate_metadata(step=99),
            {"x": "1"},
        )
        # put answers the checkpoint's address; where writes go is the caller's to say
        holder = config["configurable"][CHECKPOINT_HOLDER]
        saver.put_writes(
            {"configurable": {**stored["configurable"], CHECKPOINT_HOLDER: holder}},
            [("x", 2)],
            "task",
        )
        fetched = saver.get_tuple(stored)
        assert fetched is not None and fetched.pending_writes == [("task", "x", 2)]
        listed = len(list(saver.list({"configurable": {"thread_id": thread_id}})))
        saver.delete_thread(thread_id)
        left = len(list(saver.list({"configurable": {"thread_id": thread_id}})))
        return finished, listed, left

    finished, listed, left = await asyncio.to_thread(in_a_worker)

    assert finished["notes"] == ["investigated", "asked", "executed"]
    assert listed > 4
    assert left == 0


async def test_the_sync_api_refuses_the_event_loop_thread(
    kube: KubeClient, blobs: BlobStore
) -> None:
    saver = CrdCheckpointSaver(kube, RemediationLocator(kube), blobs)
    with pytest.raises(asyncio.InvalidStateError, match=r"await aget_tuple there, or call"):
        saver.get_tuple({"configurable": {"thread_id": "t"}})
    with pytest.raises(asyncio.InvalidStateError, match=r"CrdCheckpointSaver\.list was called"):
        saver.list({"configurable": {"thread_id": "t"}})


def test_the_saver_needs_a_running_event_loop(sim: Simulator, kubernaut_data_dir: Path) -> None:
    blobs = BlobStore(Database(embedded(kubernaut_data_dir)))

    async def made_on_a_loop_that_then_ends() -> CrdCheckpointSaver:
        async with KubeClient(sim.kubeconfig_path) as client:
            return CrdCheckpointSaver(client, RemediationLocator(client), blobs)

    saver = asyncio.run(made_on_a_loop_that_then_ends())
    with pytest.raises(CheckpointError, match="created on is not running"):
        saver.get_tuple({"configurable": {"thread_id": "t"}})

    client = KubeClient(sim.kubeconfig_path)
    with pytest.raises(CheckpointError, match="inside a running event loop"):
        CrdCheckpointSaver(client, RemediationLocator(client), blobs)
    asyncio.run(client.aclose())
