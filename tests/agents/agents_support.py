"""What the model tests share: settings that reach a scripted server through litellm,
a closed port, and a valid Recommendation."""

from __future__ import annotations

import socket
from typing import Any

from kubernaut.agents.models import ModelSettings
from kubernaut.agents.scripted import ScriptedChatServer
from kubernaut.core.categories import RootCauseCategory
from kubernaut.core.recommendation import ProposedAction, Recommendation, RootCause
from kubernaut.core.resources import ResourceRef

SCRIPTED = "openai/scripted"
"""litellm's OpenAI provider, pointed at the scripted server by ``api_base``."""

FAST = {"api_key": "test", "backoff_base": 0.01, "max_retries": 3, "timeout": 10.0}
"""Small back-off so that retry tests stay fast."""


def settings_for(server: ScriptedChatServer | str, **overrides: Any) -> ModelSettings:
    base = server if isinstance(server, str) else server.base_url
    return ModelSettings(**{**FAST, "api_base": base, **overrides})


def closed_port_url() -> str:
    """An OpenAI base URL nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


WEB = ResourceRef(kind="Deployment", namespace="shop", name="web")

RECOMMENDATION = Recommendation(
    root_cause=RootCause(
        category=RootCauseCategory.RESOURCE_EXHAUSTION,
        summary="web is OOMKilled: its 128Mi memory limit is below what it uses.",
        evidence=["pod web-1 last terminated with OOMKilled", "3 restarts in 10 minutes"],
        target=WEB,
    ),
    action=ProposedAction(
        action="increase_resources",
        target=WEB,
        parameters={"container": "web", "memory_limit": "256Mi"},
        rationale="More memory stops the OOM kills.",
    ),
    confidence=0.85,
)
