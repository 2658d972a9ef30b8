"""What the recommend step produces: the structured output every model, LLM or rules,
must return. It is also the schema the LLM is asked to fill."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from kubernaut.core.categories import RootCauseCategory
from kubernaut.core.resources import ResourceRef


class RootCause(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: RootCauseCategory
    summary: str = Field(min_length=1, description="One or two sentences: what is wrong and why.")
    evidence: list[str] = Field(
        default_factory=list, description="Observations from the tools that support it."
    )
    target: ResourceRef = Field(description="The object whose fault it is.")


class ProposedAction(BaseModel):
    """One action from the catalog, with its parameters and the object it acts on."""

    model_config = ConfigDict(extra="forbid")

    action: str = Field(description="An action name from the catalog, e.g. increase_resources.")
    target: ResourceRef = Field(description="The object the action acts on.")
    parameters: dict[str, Any] = Field(
        default_factory=dict, description="Parameters as the action's schema defines them."
    )
    rationale: str = Field(default="", description="Why this action cures the root cause.")

    def describe(self) -> str:
        shown = ", ".join(f"{key}={value}" for key, value in sorted(self.parameters.items()))
        return f"{self.action}({shown}) on {self.target}"


class Recommendation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    root_cause: RootCause
    action: ProposedAction
    confidence: float = Field(ge=0.0, le=1.0, description="0 to 1: how sure the model is.")
    alternatives: list[ProposedAction] = Field(
        default_factory=list, description="Other actions considered, best first."
    )
