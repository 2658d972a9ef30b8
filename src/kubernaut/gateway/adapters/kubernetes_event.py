"""A Kubernetes Event, core/v1 or events.k8s.io/v1. Only Warning events start anything."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kubernaut.core.signal import Signal
from kubernaut.core.signal_parsing import signal_from_event
from kubernaut.gateway.adapters.names import KIND_PATTERN, NAME_PATTERN


class EventObject(BaseModel):
    """The object an Event is about (``involvedObject`` or ``regarding``)."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    api_version: str = Field(default="", alias="apiVersion")
    kind: str = Field(pattern=KIND_PATTERN)
    name: str = Field(pattern=NAME_PATTERN)
    namespace: str = Field(default="", pattern=r"^$|" + NAME_PATTERN)
    uid: str = ""


class KubernetesEvent(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="allow")

    api_version: Literal["v1", "events.k8s.io/v1"] = Field(alias="apiVersion")
    kind: Literal["Event"]
    metadata: dict[str, Any] = Field(default_factory=dict)
    involved_object: EventObject | None = Field(
        default=None, alias="involvedObject", description="core/v1 Events."
    )
    regarding: EventObject | None = Field(default=None, description="events.k8s.io/v1 Events.")
    reason: str = Field(min_length=1, max_length=128)
    message: str = ""
    note: str = ""
    type: Literal["Normal", "Warning"] = "Normal"
    first_timestamp: str | None = Field(default=None, alias="firstTimestamp")
    event_time: str | None = Field(default=None, alias="eventTime")

    @model_validator(mode="after")
    def _names_an_object(self) -> KubernetesEvent:
        if self.involved_object is None and self.regarding is None:
            raise ValueError("the Event names no object: set involvedObject or regarding")
        return self

    @property
    def is_warning(self) -> bool:
        return self.type == "Warning"

    def signal(self) -> Signal:
        return signal_from_event(self.model_dump(mode="json", by_alias=True, exclude_none=True))
