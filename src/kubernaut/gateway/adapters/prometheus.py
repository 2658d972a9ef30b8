"""Alertmanager's webhook (version 4): a batch of firing and resolved alerts."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel

from kubernaut.core.signal import Signal
from kubernaut.core.signal_parsing import signals_from_alertmanager

MAX_ALERTS = 1000


class _Camel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")


class AlertmanagerAlert(_Camel):
    status: Literal["firing", "resolved"]
    labels: dict[str, str] = Field(description="Must hold alertname.")
    annotations: dict[str, str] = Field(default_factory=dict)
    starts_at: str = ""
    ends_at: str = ""
    generator_url: str = Field(default="", alias="generatorURL")
    fingerprint: str = ""

    @field_validator("labels")
    @classmethod
    def _has_alertname(cls, labels: dict[str, str]) -> dict[str, str]:
        if not labels.get("alertname"):
            raise ValueError("alertname is missing: every alert needs an alertname label")
        return labels


class AlertmanagerWebhook(_Camel):
    """What Alertmanager posts to a ``webhook_configs`` receiver."""

    version: Literal["4"]
    group_key: str = ""
    truncated_alerts: int = Field(default=0, ge=0)
    status: Literal["firing", "resolved"] = "firing"
    receiver: str = ""
    group_labels: dict[str, str] = Field(default_factory=dict)
    common_labels: dict[str, str] = Field(default_factory=dict)
    common_annotations: dict[str, str] = Field(default_factory=dict)
    external_url: str = Field(default="", alias="externalURL")
    alerts: list[AlertmanagerAlert] = Field(min_length=1, max_length=MAX_ALERTS)

    def signals(self) -> list[Signal]:
        return signals_from_alertmanager(self.model_dump(mode="json", by_alias=True))
