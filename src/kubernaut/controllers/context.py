"""Everything a controller handler works with, built once per controller process."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from langchain_core.tools import BaseTool
from langgraph.checkpoint.base import BaseCheckpointSaver

from kubernaut.agents.models import ModelChain
from kubernaut.controllers.clock import Clock, utc_now
from kubernaut.controllers.index import RemediationIndex
from kubernaut.controllers.settings import ControllerSettings
from kubernaut.controllers.tasks import TaskSet
from kubernaut.controllers.waiter import ObjectWaiter
from kubernaut.crds import CrdObject
from kubernaut.crds.escalation import Escalator
from kubernaut.graphs.settings import GraphSettings
from kubernaut.kube import KubeClient
from kubernaut.tools.safety import RemediationHistory, SafetyPolicy

log = logging.getLogger("kubernaut.audit")

AuditSink = Callable[[CrdObject, str, str, dict[str, Any]], Awaitable[None]]
"""Records a phase change: the object, the reason, the message and details."""


async def log_audit(obj: CrdObject, reason: str, message: str, details: dict[str, Any]) -> None:
    log.info("%s %s/%s %s: %s %s", obj.KIND, obj.namespace, obj.name, reason, message, details)


@dataclass
class ControllerContext:
    client: KubeClient
    settings: ControllerSettings
    policy: SafetyPolicy
    history: RemediationHistory
    models: ModelChain
    tools: list[BaseTool]
    checkpointer: BaseCheckpointSaver[Any]
    escalator: Escalator
    graph_settings: GraphSettings = field(default_factory=GraphSettings)
    clock: Clock = utc_now
    audit: AuditSink = log_audit
    waiter: ObjectWaiter = field(default_factory=ObjectWaiter)
    tasks: TaskSet = field(default_factory=TaskSet)
    locks: defaultdict[str, asyncio.Lock] = field(default_factory=lambda: defaultdict(asyncio.Lock))
    """One per RemediationRequest: its reconciles run one at a time in this process."""
    remediations: RemediationIndex = field(default_factory=RemediationIndex)
    reconciled: dict[str, float] = field(default_factory=dict)
    """When each RemediationRequest was last reconciled (monotonic seconds)."""
    child_phases: dict[str, str] = field(default_factory=dict)
    """The last phase seen of each child (Kind/name), to reconcile a parent on a move."""
    writer: KubeClient | None = None
    """The client that writes to workloads (the executor's identity); None: ``client``."""

    analysis_slots: asyncio.Semaphore = field(init=False)
    """Bounds the analyses running at once (``settings.max_analyses``)."""

    def __post_init__(self) -> None:
        self.analysis_slots = asyncio.Semaphore(self.settings.max_analyses)

    @property
    def namespace(self) -> str:
        return self.settings.namespace

    @property
    def workload_writer(self) -> KubeClient:
        """What the executor writes with, and what validation asks access reviews and dry
        runs of: writes are judged for the identity that will send them."""
        return self.writer or self.client
