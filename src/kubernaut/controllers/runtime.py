"""Assembling the controllers' context from a kubeconfig and settings: the Kubernetes
client, PostgreSQL (history, audit, large checkpoint values), the CRD-backed
checkpointer, the model chain and the policy."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from langgraph.checkpoint.base import Checkpoint, CheckpointMetadata

from kubernaut.agents.models import ModelSettings, build_model_chain
from kubernaut.controllers.clock import Clock, utc_now
from kubernaut.controllers.context import AuditSink, ControllerContext
from kubernaut.controllers.projection import remediation_projection
from kubernaut.controllers.settings import ControllerSettings
from kubernaut.crds import CrdObject
from kubernaut.crds.escalation import Escalator
from kubernaut.crds.meta import REMEDIATION_UID_LABEL
from kubernaut.graphs.checkpoint import CrdCheckpointSaver, Holder, RemediationLocator
from kubernaut.graphs.settings import GraphSettings
from kubernaut.kube import KubeClient
from kubernaut.store import AuditEntry, AuditLog, BlobStore, Database, PostgresHistory
from kubernaut.store.settings import StoreSettings
from kubernaut.tools.read import build_read_tools
from kubernaut.tools.safety import SafetyPolicy
from kubernaut.tools.safety.loading import load_policy


@asynccontextmanager
async def controller_runtime(
    kubeconfig: Path | str | None,
    *,
    context: str | None = None,
    settings: ControllerSettings | None = None,
    model_settings: ModelSettings | None = None,
    store_settings: StoreSettings | None = None,
    clock: Clock = utc_now,
    policy: SafetyPolicy | None = None,
) -> AsyncIterator[ControllerContext]:
    """The context the controllers run in; ``policy`` defaults to the policy file the
    settings name (the safe defaults without one)."""
    settings = settings or ControllerSettings()
    policy = policy or load_policy(settings.policy_file)
    models = build_model_chain(settings.model, settings.fallbacks, model_settings)
    async with (
        KubeClient(kubeconfig, context=context) as client,
        _writer(kubeconfig, context, settings.executor_identity) as writer,
        Database(store_settings) as db,
    ):
        checkpointer = CrdCheckpointSaver(
            client,
            RemediationLocator(client, settings.namespace),
            BlobStore(db),
            projection=_projection,
        )
        yield ControllerContext(
            client=client,
            settings=settings,
            policy=policy,
            history=PostgresHistory(db),
            models=models,
            tools=build_read_tools(client),
            checkpointer=checkpointer,
            escalator=Escalator(client, settings.escalation_webhook),
            graph_settings=GraphSettings(verify_timeout=settings.verify_timeout),
            clock=clock,
            audit=_audit(AuditLog(db), clock),
            writer=writer,
        )


@asynccontextmanager
async def _writer(
    kubeconfig: Path | str | None, context: str | None, identity: str | None
) -> AsyncIterator[KubeClient | None]:
    """A client that impersonates the executor's identity, when one is set."""
    if not identity:
        yield None
        return
    async with KubeClient(kubeconfig, context=context, impersonate=identity) as writer:
        yield writer


def _projection(
    holder: Holder, checkpoint: Checkpoint, metadata: CheckpointMetadata
) -> dict[str, Any]:
    return remediation_projection(holder.kind, checkpoint["channel_values"])


def _audit(log: AuditLog, clock: Clock) -> AuditSink:
    async def record(obj: CrdObject, reason: str, message: str, details: dict[str, Any]) -> None:
        uid = obj.metadata.labels.get(REMEDIATION_UID_LABEL) or obj.metadata.uid or ""
        await log.record(
            AuditEntry(
                remediation_id=uid,
                kind=obj.KIND,
                name=obj.name,
                event=reason,
                message=message,
                details=details,
                at=clock(),
            )
        )

    return record
