"""langgraph-checkpoint-conformance on the CRD saver, through the simulator's API and the
embedded PostgreSQL, next to the in-memory saver that sets the bar."""

from __future__ import annotations

from collections.abc import AsyncIterator

from checkpoint_support import AnalysisPerThread
from langgraph.checkpoint.conformance import checkpointer_test, validate
from langgraph.checkpoint.conformance.capabilities import BASE_CAPABILITIES
from langgraph.checkpoint.conformance.report import CapabilityReport
from langgraph.checkpoint.memory import InMemorySaver

from kubernaut.graphs.checkpoint import CrdCheckpointSaver
from kubernaut.kube import KubeClient
from kubernaut.store import BlobStore


def _assert_base_passed(report: CapabilityReport) -> None:
    report.print_report()
    for capability in BASE_CAPABILITIES:
        result = report.results[capability.value]
        assert result.passed is True, (capability.value, result.failures)
    detected = [name for name, result in report.results.items() if result.detected]
    assert sorted(detected) == sorted(c.value for c in BASE_CAPABILITIES)
    assert report.conformance_level() == "FULL"


async def test_the_in_memory_saver_sets_the_bar() -> None:
    @checkpointer_test(name="InMemorySaver")
    async def in_memory() -> AsyncIterator[InMemorySaver]:
        yield InMemorySaver()

    _assert_base_passed(await validate(in_memory))


async def test_the_crd_saver_passes_every_base_capability(
    kube: KubeClient, blobs: BlobStore
) -> None:
    @checkpointer_test(name="CrdCheckpointSaver (simulator, embedded PostgreSQL)")
    async def crd_saver() -> AsyncIterator[CrdCheckpointSaver]:
        yield CrdCheckpointSaver(kube, AnalysisPerThread(kube), blobs)

    _assert_base_passed(await validate(crd_saver))


async def test_it_passes_with_every_value_in_postgresql_too(
    kube: KubeClient, blobs: BlobStore
) -> None:
    @checkpointer_test(name="CrdCheckpointSaver (inline budget 0)")
    async def crd_saver() -> AsyncIterator[CrdCheckpointSaver]:
        yield CrdCheckpointSaver(kube, AnalysisPerThread(kube), blobs, inline_budget=0)

    _assert_base_passed(await validate(crd_saver))
