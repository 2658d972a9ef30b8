"""CloudWatch alarms delivered by SNS: an alarm's state change as a Signal. ALARM fires,
OK resolves, INSUFFICIENT_DATA says nothing."""

from __future__ import annotations

import contextlib
import re
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from kubernaut.core.resources import CLUSTER_SCOPED_KINDS, ResourceRef
from kubernaut.core.signal import Signal, SignalSource, SignalStatus
from kubernaut.gateway.adapters.names import is_name

DIMENSION_KINDS: tuple[tuple[str, str], ...] = (
    ("PodName", "Pod"),
    ("Deployment", "Deployment"),
    ("StatefulSet", "StatefulSet"),
    ("DaemonSet", "DaemonSet"),
    ("Service", "Service"),
    ("NodeName", "Node"),
)
"""Alarm dimensions (Container Insights names) that name a Kubernetes object, most
specific first; ``Namespace`` gives its namespace."""
SEVERITY_PATTERN = re.compile(r"severity[=:]\s*([A-Za-z]+)")


class Dimension(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str
    value: str


class Trigger(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    metric_name: str = Field(default="", alias="MetricName")
    namespace: str = Field(default="", alias="Namespace")
    dimensions: list[Dimension] = Field(default_factory=list, alias="Dimensions")


class CloudWatchAlarm(BaseModel):
    """The JSON an alarm's SNS notification carries in ``Message``."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    alarm_name: str = Field(alias="AlarmName", min_length=1, max_length=255)
    alarm_description: str | None = Field(default=None, alias="AlarmDescription")
    account: str = Field(default="", alias="AWSAccountId")
    new_state: Literal["ALARM", "OK", "INSUFFICIENT_DATA"] = Field(alias="NewStateValue")
    reason: str = Field(default="", alias="NewStateReason")
    changed_at: str | None = Field(default=None, alias="StateChangeTime")
    region: str = Field(default="", alias="Region")
    trigger: Trigger = Field(default_factory=Trigger, alias="Trigger")

    def signal(self) -> Signal | None:
        """None for INSUFFICIENT_DATA."""
        if self.new_state == "INSUFFICIENT_DATA":
            return None
        dimensions = {d.name: d.value for d in self.trigger.dimensions}
        labels = {f"dimension_{key}": value for key, value in dimensions.items()}
        labels.update(alarm=self.alarm_name, region=self.region, account=self.account)
        namespace = dimensions.get("Namespace", "")
        if namespace and is_name(namespace):
            labels["namespace"] = namespace
        description = self.alarm_description or ""
        severity = SEVERITY_PATTERN.search(description)
        return Signal(
            source=SignalSource.CLOUDWATCH,
            name=self.alarm_name,
            status=SignalStatus.FIRING if self.new_state == "ALARM" else SignalStatus.RESOLVED,
            severity=severity.group(1).lower() if severity else "warning",
            target=_target(dimensions),
            summary=self.reason,
            description=description,
            labels=labels,
            started_at=_when(self.changed_at),
            raw=self.model_dump(mode="json", by_alias=True),
        )


def _target(dimensions: dict[str, str]) -> ResourceRef | None:
    namespace = dimensions.get("Namespace", "")
    for dimension, kind in DIMENSION_KINDS:
        name = dimensions.get(dimension, "")
        if name and is_name(name):
            cluster_scoped = kind in CLUSTER_SCOPED_KINDS
            if not cluster_scoped and not is_name(namespace):
                continue
            return ResourceRef(kind=kind, namespace="" if cluster_scoped else namespace, name=name)
    return None


def _when(text: str | None) -> datetime | None:
    """``StateChangeTime`` such as ``2024-05-01T12:00:00.000+0000``."""
    with contextlib.suppress(ValueError, TypeError):
        moment = datetime.fromisoformat(str(text))
        return moment if moment.tzinfo else None
    return None
