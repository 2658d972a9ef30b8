"""Assembling a runnable remediation graph from a kubeconfig, a model spec and a policy."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph.state import CompiledStateGraph

from kubernaut.agents.models import ModelSettings, build_model_chain
from kubernaut.graphs.deps import RemediationDeps, utc_now
from kubernaut.graphs.remediation import build_remediation_graph
from kubernaut.graphs.settings import GraphSettings
from kubernaut.kube import KubeClient
from kubernaut.tools.executor import DirectExecutor, Executor
from kubernaut.tools.read import build_read_tools
from kubernaut.tools.safety import (
    InMemoryHistory,
    RemediationHistory,
    SafetyPolicy,
    SafetyValidator,
)


@dataclass
class RemediationRuntime:
    client: KubeClient
    deps: RemediationDeps
    graph: CompiledStateGraph[Any, Any, Any, Any]
    checkpointer: BaseCheckpointSaver[Any]


@asynccontextmanager
async def remediation_runtime(
    kubeconfig: Path | str | None,
    *,
    context: str | None = None,
    model: str = "rules",
    fallbacks: Sequence[str] = (),
    model_settings: ModelSettings | None = None,
    policy: SafetyPolicy | None = None,
    settings: GraphSettings | None = None,
    history: RemediationHistory | None = None,
    executor: Executor | None = None,
    checkpointer: BaseCheckpointSaver[Any] | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> AsyncIterator[RemediationRuntime]:
    """A graph wired to one cluster. Defaults: the rule-based model, the default policy,
    in-memory history and checkpoints, and direct execution with this kubeconfig."""
    settings = settings or GraphSettings()
    async with KubeClient(kubeconfig, context=context) as client:
        history = history or InMemoryHistory()
        deps = RemediationDeps(
            client=client,
            models=build_model_chain(model, fallbacks, model_settings),
            tools=build_read_tools(client, output_tokens=settings.tool_output_tokens),
            validator=SafetyValidator(client, policy or SafetyPolicy(), history, clock=clock),
            executor=executor or DirectExecutor(client),
            history=history,
            settings=settings,
            clock=clock,
        )
        saver = checkpointer or InMemorySaver()
        yield RemediationRuntime(client, deps, build_remediation_graph(deps, saver), saver)
