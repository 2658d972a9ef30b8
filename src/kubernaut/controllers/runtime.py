"""Assembling the controllers' context from a kubeconfig and settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver

from kubernaut.agents.models import ModelSettings, build_model_chain
from kubernaut.controllers.clock import Clock, utc_now
from kubernaut.controllers.context import ControllerContext
from kubernaut.controllers.escalation import Escalator
from kubernaut.controllers.settings import ControllerSettings
from kubernaut.graphs.settings import GraphSettings
from kubernaut.kube import KubeClient
from kubernaut.tools.read import build_read_tools
from kubernaut.tools.safety import InMemoryHistory, RemediationHistory, SafetyPolicy
from kubernaut.tools.safety.loading import load_policy


@asynccontextmanager
async def controller_runtime(
    kubeconfig: Path | str | None,
    *,
    context: str | None = None,
    settings: ControllerSettings | None = None,
    model_settings: ModelSettings | None = None,
    clock: Clock = utc_now,
    checkpointer: BaseCheckpointSaver[Any] | None = None,
    history: RemediationHistory | None = None,
    policy: SafetyPolicy | None = None,
) -> AsyncIterator[ControllerContext]:
    """The context the controllers run in; ``policy`` defaults to the policy file the
    settings name (the safe defaults without one)."""
    settings = settings or ControllerSettings()
    policy = policy or load_policy(settings.policy_file)
    models = build_model_chain(settings.model, settings.fallbacks, model_settings)
    async with KubeClient(kubeconfig, context=context) as client:
        yield ControllerContext(
            client=client,
            settings=settings,
            policy=policy,
            history=history or InMemoryHistory(),
            models=models,
            tools=build_read_tools(client),
            checkpointer=checkpointer or InMemorySaver(),
            escalator=Escalator(client, settings.escalation_webhook),
            graph_settings=GraphSettings(verify_timeout=settings.verify_timeout),
            clock=clock,
        )
