"""``scenario.yaml``, version ``kubernaut.io/scenario/v1``: the single source of truth for
the format. docs/scenarios.md describes the same fields for scenario authors."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from kubernaut.core.categories import RootCauseCategory
from kubernaut.sim.scenario.actions import (
    AcceptableAction,
    AcceptanceResult,
    ActionTarget,
    ForbiddenAction,
    ForbiddenResult,
    accepts,
    forbids,
)
from kubernaut.sim.scenario.base import DnsLabel, FormatModel
from kubernaut.sim.scenario.predicates import HealthPredicate, Symptom
from kubernaut.sim.scenario.signals import SignalType

API_VERSION = "kubernaut.io/scenario/v1"


class Difficulty(enum.StrEnum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


class Registry(FormatModel):
    """The simulated image registry."""

    missing: list[str] = Field(
        default_factory=list,
        description="Image references the registry does not have: pulling them fails "
        "(ErrImagePull, then ImagePullBackOff).",
    )

    @field_validator("missing")
    @classmethod
    def _references(cls, images: list[str]) -> list[str]:
        for image in images:
            if not image or any(character.isspace() for character in image):
                raise ValueError(f"{image!r} is not an image reference")
        return images


class SimulatorSettings(FormatModel):
    """How the simulator runs the scenario. Times are simulated seconds."""

    seed: int = Field(default=0, description="Seed for uids, generated names, pod IPs and jitter.")
    time_budget: float = Field(
        default=600, gt=0, description="After a fix, how long the health predicates have to hold."
    )
    stable_for: float = Field(
        default=60, ge=0, description="How long all predicates must hold without a break to count."
    )
    warmup: float = Field(
        default=120, ge=0, description="How long to run before the symptoms count as visible."
    )
    registry: Registry = Field(default_factory=Registry, description="The image registry.")

    @model_validator(mode="after")
    def _stable_within_budget(self) -> SimulatorSettings:
        if self.stable_for > self.time_budget:
            raise ValueError(
                f"stableFor ({self.stable_for:g}) must not exceed timeBudget "
                f"({self.time_budget:g}): health could never be proven in time"
            )
        return self


class SignalSpec(FormatModel):
    """Where the signal that reports the incident is, and what sent it."""

    type: SignalType | None = Field(
        default=None,
        description="alertmanager or kubernetes-event; default: told from the payload "
        "(alerts: Alertmanager; kind: Event: a Kubernetes Event).",
    )
    file: str | None = Field(
        default=None,
        description="Its path inside the scenario directory; default signal.yaml or "
        "signal.json, whichever exists.",
    )


class RootCause(FormatModel):
    """What a correct diagnosis finds."""

    category: RootCauseCategory = Field(description="One of the root-cause categories.")
    mentions: list[str] = Field(
        default_factory=list,
        description="Words or phrases the diagnosis should mention (case-insensitive).",
    )

    def missing_mentions(self, diagnosis: str) -> list[str]:
        """The expected mentions ``diagnosis`` does not contain."""
        text = diagnosis.lower()
        return [mention for mention in self.mentions if mention.lower() not in text]


class Expectations(FormatModel):
    """What a good remediation of the incident looks like."""

    root_cause: RootCause
    acceptable_actions: list[AcceptableAction] = Field(
        min_length=1, description="Remediations that fix the incident; any one will do."
    )
    forbidden_actions: list[ForbiddenAction] = Field(
        default_factory=list, description="Actions an agent must not take here."
    )
    symptoms: list[Symptom] = Field(
        default_factory=list,
        description="What the incident looks like through the API once it has set in (after "
        "warmup); every health predicate must be failing then too.",
    )
    health: list[HealthPredicate] = Field(
        default_factory=list,
        description="Checks that must all hold, continuously for stableFor, within timeBudget.",
    )

    @model_validator(mode="after")
    def _no_acceptable_action_is_forbidden(self) -> Expectations:
        unconditional = [entry for entry in self.forbidden_actions if not entry.parameters]
        for index, action in enumerate(self.acceptable_actions):
            verdict = forbids(unconditional, action.type, action.target)
            if verdict.forbidden:
                raise ValueError(
                    f"acceptableActions[{index}] ({action}) is also forbidden ({verdict.detail})"
                )
        return self

    def accepts(
        self,
        action_type: str,
        target: Mapping[str, Any] | ActionTarget | None,
        parameters: Mapping[str, Any] | None = None,
    ) -> AcceptanceResult:
        """Whether recommending this action fixes the incident, and if not, why not."""
        return accepts(self.acceptable_actions, action_type, target, parameters)

    def forbids(
        self,
        action_type: str,
        target: Mapping[str, Any] | ActionTarget | None,
        parameters: Mapping[str, Any] | None = None,
    ) -> ForbiddenResult:
        """Whether this action is one the agent must not take here."""
        return forbids(self.forbidden_actions, action_type, target, parameters)


class ScenarioSpec(FormatModel):
    """The contents of ``scenario.yaml``."""

    api_version: Literal["kubernaut.io/scenario/v1"] = Field(
        description="The format version: kubernaut.io/scenario/v1."
    )
    name: DnsLabel = Field(description="The scenario's name; equal to its directory's name.")
    description: str = Field(min_length=1, description="What happens, for humans.")
    tags: list[str] = Field(default_factory=list, description="Free-form labels for filtering.")
    difficulty: Difficulty = Field(description="easy, medium or hard.")
    simulator: SimulatorSettings = Field(default_factory=SimulatorSettings)
    signal: SignalSpec = Field(default_factory=SignalSpec)
    expectations: Expectations
