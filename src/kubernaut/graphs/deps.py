"""What the remediation graph's nodes work with, passed in by whoever builds the graph."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from langchain_core.tools import BaseTool

from kubernaut.agents.models import ModelChain
from kubernaut.graphs.settings import GraphSettings
from kubernaut.kube import KubeClient
from kubernaut.tools.executor import Executor
from kubernaut.tools.safety import RemediationHistory, SafetyValidator


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class RemediationDeps:
    client: KubeClient
    models: ModelChain
    tools: list[BaseTool]
    validator: SafetyValidator
    executor: Executor
    history: RemediationHistory
    settings: GraphSettings = field(default_factory=GraphSettings)
    clock: Callable[[], datetime] = utc_now
