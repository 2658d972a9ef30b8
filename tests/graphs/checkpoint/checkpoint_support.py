"""Holders for the checkpointer's tests: real AIAnalysis / WorkflowExecution objects on
the simulator, created the way a controller would, and locators over them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from langchain_core.runnables import RunnableConfig

from kubernaut.core.resources import ResourceRef
from kubernaut.core.signal import SignalSource
from kubernaut.crds import (
    API_VERSION,
    AIAnalysis,
    AIAnalysisSpec,
    ObjectMeta,
    SignalSpec,
    WorkflowExecution,
    WorkflowExecutionSpec,
)
from kubernaut.crds.meta import REMEDIATION_UID_LABEL
from kubernaut.graphs.checkpoint import Holder, RemediationLocator
from kubernaut.kube import KubeClient
from kubernaut.kube.errors import KubeApiError
from kubernaut.store import StoreSettings

NAMESPACE = "kubernaut"
SIGNAL = SignalSpec(source=SignalSource.ALERTMANAGER, name="KubePodCrashLooping")


def embedded(data_dir: Path) -> StoreSettings:
    """The embedded PostgreSQL of ``data_dir``, whatever KUBERNAUT_DATABASE_URL says."""
    return StoreSettings(database_url=None, data_dir=data_dir)


def _meta(namespace: str, name: str, thread_id: str) -> ObjectMeta:
    return ObjectMeta(name=name, namespace=namespace, labels={REMEDIATION_UID_LABEL: thread_id})


async def create_namespace(client: KubeClient, name: str) -> None:
    try:
        await client.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
    except KubeApiError as error:
        if error.status != 409:
            raise


async def create_analysis(client: KubeClient, namespace: str, name: str, thread_id: str) -> Holder:
    analysis = AIAnalysis(
        metadata=_meta(namespace, name, thread_id),
        spec=AIAnalysisSpec(remediation_request="rr", remediation_uid=thread_id, signal=SIGNAL),
    )
    await client.create(analysis.wire())
    return Holder(API_VERSION, "AIAnalysis", namespace, name)


async def create_workflow(client: KubeClient, namespace: str, name: str, thread_id: str) -> Holder:
    workflow = WorkflowExecution(
        metadata=_meta(namespace, name, thread_id),
        spec=WorkflowExecutionSpec(
            remediation_request="rr",
            remediation_uid=thread_id,
            analysis="aia",
            action="increase_resources",
            target=ResourceRef(kind="Deployment", namespace="shop", name="checkout"),
        ),
    )
    await client.create(workflow.wire())
    return Holder(API_VERSION, "WorkflowExecution", namespace, name)


async def read_status(client: KubeClient, holder: Holder) -> dict[str, Any]:
    found = await client.get(holder.api_version, holder.kind, holder.namespace, holder.name)
    assert found is not None, f"{holder} is gone"
    status: dict[str, Any] = found.get("status") or {}
    return status


class AnalysisPerThread:
    """An AIAnalysis per thread, created when the thread first writes (as a controller
    creates it before running the graph); found by its label like production does."""

    def __init__(self, client: KubeClient, namespace: str = NAMESPACE) -> None:
        self.client = client
        self.namespace = namespace
        self.found = RemediationLocator(client, namespace)
        self.created: set[str] = set()

    async def holders(self, thread_id: str) -> list[Holder]:
        return await self.found.holders(thread_id)

    async def holder_for(self, config: RunnableConfig) -> Holder:
        thread_id = str(config["configurable"]["thread_id"])
        name = f"aia-{thread_id}"
        if thread_id not in self.created:
            await create_analysis(self.client, self.namespace, name, thread_id)
            self.created.add(thread_id)
        return Holder(API_VERSION, "AIAnalysis", self.namespace, name)


class OneHolder:
    """Every thread's checkpoints in one object."""

    def __init__(self, holder: Holder) -> None:
        self.holder = holder

    async def holders(self, thread_id: str) -> list[Holder]:
        return [self.holder]

    async def holder_for(self, config: RunnableConfig) -> Holder:
        return self.holder
