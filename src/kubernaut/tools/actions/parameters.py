"""What every action's parameter model shares: unknown fields are errors, and the
field types parameters reuse (quantities, container names)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from kubernaut.core.quantity import parse_quantity


class ActionParameters(BaseModel):
    """Base of the parameter models: a misspelt parameter is an error, never ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _positive_quantity(text: str) -> str:
    if parse_quantity(text) <= 0:
        raise ValueError(f"{text!r} must be above zero")
    return text.strip()


Quantity = Annotated[
    str,
    AfterValidator(_positive_quantity),
    Field(description="A Kubernetes quantity, e.g. 512Mi, 2Gi, 500m or 1.5."),
]

ContainerName = Annotated[
    str | None,
    Field(description="The container to change; may be left out when the pod has only one."),
]

Reason = Annotated[
    str,
    Field(max_length=512, description="Why, for the Job and the audit trail."),
]
