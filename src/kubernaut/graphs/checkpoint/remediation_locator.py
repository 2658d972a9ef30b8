"""Where a remediation's checkpoints live: its AIAnalysis and WorkflowExecution.

The thread id is the RemediationRequest's uid, and every child of the request carries
it in the label ``kubernaut.io/remediation-uid``, so the holders of a thread are found
with one label-selector list per kind. Which of them a write goes to is the choice of
the controller running the graph: it names the object in the run's config::

    config = {
        "configurable": {
            "thread_id": request.metadata.uid,
            CHECKPOINT_HOLDER: checkpoint_holder("AIAnalysis", namespace, analysis_name),
        }
    }
"""

from __future__ import annotations

import asyncio
from typing import Any

from langchain_core.runnables import RunnableConfig

from kubernaut.crds.meta import API_VERSION, REMEDIATION_UID_LABEL
from kubernaut.graphs.checkpoint.errors import CheckpointError
from kubernaut.graphs.checkpoint.holders import Holder
from kubernaut.kube import KubeClient

CHECKPOINT_HOLDER = "checkpoint_holder"
"""The ``configurable`` key naming the object a run's checkpoints go to."""
HOLDER_KINDS = ("AIAnalysis", "WorkflowExecution")


def checkpoint_holder(kind: str, namespace: str, name: str) -> dict[str, str]:
    """The value of ``configurable[CHECKPOINT_HOLDER]`` for that object."""
    return {"kind": kind, "namespace": namespace, "name": name}


class RemediationLocator:
    """Holders of a remediation's thread: the labelled AIAnalysis and WorkflowExecution
    objects in ``namespace``, or in every namespace when it is None."""

    def __init__(self, client: KubeClient, namespace: str | None = None) -> None:
        self.client = client
        self.namespace = namespace

    async def holders(self, thread_id: str) -> list[Holder]:
        selector = f"{REMEDIATION_UID_LABEL}={thread_id}"
        listed = await asyncio.gather(
            *(
                self.client.list(API_VERSION, kind, self.namespace, label_selector=selector)
                for kind in HOLDER_KINDS
            )
        )
        return [
            Holder(API_VERSION, kind, obj["metadata"]["namespace"], obj["metadata"]["name"])
            for kind, objects in zip(HOLDER_KINDS, listed, strict=True)
            for obj in objects
        ]

    async def holder_for(self, config: RunnableConfig) -> Holder:
        named: Any = (config.get("configurable") or {}).get(CHECKPOINT_HOLDER)
        if not isinstance(named, dict) or not all(
            isinstance(named.get(key), str) and named.get(key)
            for key in ("kind", "namespace", "name")
        ):
            raise CheckpointError(
                f"the run's config has no configurable.{CHECKPOINT_HOLDER} "
                "{kind, namespace, name}: the controller running the graph names the "
                f"AIAnalysis or WorkflowExecution that keeps its checkpoints (got {named!r})"
            )
        if named["kind"] not in HOLDER_KINDS:
            raise CheckpointError(
                f"{CHECKPOINT_HOLDER} kind {named['kind']!r} cannot hold checkpoints: "
                f"it is one of {', '.join(HOLDER_KINDS)}"
            )
        return Holder(API_VERSION, named["kind"], named["namespace"], named["name"])
