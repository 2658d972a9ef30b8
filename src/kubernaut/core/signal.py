"""The normalised signal: whatever sent it, this is what the remediation starts from."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from kubernaut.core.resources import ResourceRef


class SignalSource(enum.StrEnum):
    ALERTMANAGER = "alertmanager"
    KUBERNETES_EVENT = "kubernetes-event"
    CLOUDWATCH = "cloudwatch"
    WEBHOOK = "webhook"


class SignalStatus(enum.StrEnum):
    FIRING = "firing"
    RESOLVED = "resolved"


class Signal(BaseModel):
    """One alert or event about one target."""

    model_config = ConfigDict(frozen=True)

    source: SignalSource
    name: str = Field(description="Alert name or event reason, e.g. KubePodCrashLooping.")
    status: SignalStatus = SignalStatus.FIRING
    severity: str = Field(default="warning", description="critical, warning, info, ...")
    target: ResourceRef | None = Field(
        default=None, description="The object the signal is about, when it names one."
    )
    summary: str = ""
    description: str = ""
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)
    started_at: datetime | None = None
    raw: dict[str, Any] = Field(default_factory=dict, description="The payload as received.")

    @property
    def namespace(self) -> str:
        return self.target.namespace if self.target else self.labels.get("namespace", "")
