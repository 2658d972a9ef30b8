"""The shape of an entry in the action catalog."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from kubernaut.core.actions import RiskLevel
from kubernaut.core.resources import ResourceRef
from kubernaut.kube import KubeClient
from kubernaut.tools.plan import ActionPlan


class ActionError(Exception):
    """An action cannot be planned as proposed; the message says why and what to do."""


class UnknownAction(ActionError):
    """The name is not an action of the catalog."""


class ActionParameterError(ActionError):
    """The parameters do not fit the action's schema (the message names each bad field)."""


class ActionUnavailable(ActionError):
    """The action cannot be planned here (no Job template configured, target of the wrong
    kind or missing, nothing to act on). The message says what to do."""


@dataclass(frozen=True)
class ActionContext:
    client: KubeClient
    job_templates: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Action name -> a batch/v1 Job manifest, for actions that need application knowledge."""
    step_key: str = ""
    """The idempotency key of the step being planned (names created objects)."""


Planner = Callable[[ActionContext, ResourceRef, Any], Awaitable[ActionPlan]]
"""Reads the cluster and returns the plan; receives the validated parameters model."""


@dataclass(frozen=True)
class ActionSpec:
    name: str
    description: str
    parameters: type[BaseModel]
    risk: RiskLevel
    reversible: bool
    target_kinds: tuple[str, ...]
    planner: Planner
    needs_job_template: bool = False
