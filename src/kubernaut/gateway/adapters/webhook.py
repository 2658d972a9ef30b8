"""The generic webhook: one signal in Kubernaut's own documented JSON shape, for senders
that are neither Alertmanager, Kubernetes nor CloudWatch."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from kubernaut.core.resources import ResourceRef
from kubernaut.core.signal import Signal, SignalSource, SignalStatus
from kubernaut.gateway.adapters.names import KIND_PATTERN, NAME_PATTERN

_OPTIONAL_NAME = r"^$|" + NAME_PATTERN


class WebhookTarget(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(pattern=KIND_PATTERN, examples=["Deployment"])
    namespace: str = Field(default="", pattern=_OPTIONAL_NAME, examples=["shop"])
    name: str = Field(pattern=NAME_PATTERN, examples=["checkout"])


class WebhookSignal(BaseModel):
    """One signal. ``name`` and ``target`` decide its fingerprint (docs/gateway.md)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str = Field(
        min_length=1, max_length=253, pattern=r"^\S(.*\S)?$", examples=["HighErrorRate"]
    )
    status: SignalStatus = SignalStatus.FIRING
    severity: str = Field(
        default="warning", min_length=1, max_length=32, examples=["critical", "warning", "info"]
    )
    target: WebhookTarget | None = Field(
        default=None, description="The object it is about; resolved to its top-level owner."
    )
    namespace: str = Field(
        default="", pattern=_OPTIONAL_NAME, description="Without a target: where it happens."
    )
    summary: str = Field(default="", max_length=1024)
    description: str = Field(default="", max_length=8192)
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)
    starts_at: datetime | None = Field(default=None, alias="startsAt")

    def signal(self) -> Signal:
        target = (
            ResourceRef(
                kind=self.target.kind, namespace=self.target.namespace, name=self.target.name
            )
            if self.target
            else None
        )
        labels = dict(self.labels)
        if self.namespace and "namespace" not in labels:
            labels["namespace"] = self.namespace
        return Signal(
            source=SignalSource.WEBHOOK,
            name=self.name,
            status=self.status,
            severity=self.severity,
            target=target,
            summary=self.summary,
            description=self.description,
            labels=labels,
            annotations=dict(self.annotations),
            started_at=self.starts_at,
            raw=self.model_dump(mode="json", by_alias=True),
        )
