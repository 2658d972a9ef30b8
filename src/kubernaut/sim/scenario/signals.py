"""The signal that reports a scenario's incident: its payload shapes and how it is read.

Payloads are checked for the fields Kubernaut relies on; anything else a real sender
includes (``receiver``, ``groupLabels``, ``metadata``, ...) is kept as is.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic.alias_generators import to_camel

from kubernaut.sim.scenario.errors import ScenarioError


class SignalType(enum.StrEnum):
    ALERTMANAGER = "alertmanager"
    """An Alertmanager webhook notification (payload version "4")."""
    KUBERNETES_EVENT = "kubernetes-event"
    """A core/v1 Event, typically a Warning."""


class _Payload(BaseModel):
    model_config = ConfigDict(extra="allow", alias_generator=to_camel)


class Alert(_Payload):
    status: Literal["firing", "resolved"]
    labels: dict[str, str]
    annotations: dict[str, str]
    starts_at: AwareDatetime
    ends_at: AwareDatetime | None = None

    @field_validator("labels")
    @classmethod
    def _named(cls, labels: dict[str, str]) -> dict[str, str]:
        if "alertname" not in labels:
            raise ValueError("an alert's labels must include alertname")
        return labels


class AlertmanagerPayload(_Payload):
    version: Literal["4"]
    alerts: list[Alert] = Field(min_length=1)


class InvolvedObject(_Payload):
    kind: str
    name: str
    namespace: str | None = None


class KubernetesEvent(_Payload):
    api_version: Literal["v1"]
    kind: Literal["Event"]
    involved_object: InvolvedObject
    reason: str
    message: str
    type: Literal["Normal", "Warning"]


_SHAPES: dict[SignalType, type[BaseModel]] = {
    SignalType.ALERTMANAGER: AlertmanagerPayload,
    SignalType.KUBERNETES_EVENT: KubernetesEvent,
}


class _JsonLikeLoader(yaml.SafeLoader):
    """Reads YAML into what the same document as JSON would give: timestamps stay strings,
    because payloads are posted as JSON (a ``datetime`` would not serialise)."""


_JsonLikeLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class ScenarioSignal:
    """A scenario's signal: what sends it, where it is, and the payload as sent."""

    type: SignalType
    path: Path
    payload: dict[str, Any]


def read_signal(path: Path, signal_type: SignalType | None = None) -> ScenarioSignal:
    """Read ``path`` (YAML or JSON) and check it has the shape ``signal_type`` sends
    (by default, the type the payload looks like)."""
    try:
        text = path.read_text()
    except OSError as error:
        raise ScenarioError.at(path, "", f"cannot read the signal: {error.strerror}") from None
    try:
        payload = (
            json.loads(text) if path.suffix == ".json" else yaml.load(text, Loader=_JsonLikeLoader)
        )
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        raise ScenarioError.at(path, "", f"not valid {path.suffix[1:].upper()}: {error}") from None
    if not isinstance(payload, dict):
        raise ScenarioError.at(path, "", "a signal must be a mapping")
    if signal_type is None:
        signal_type = _type_of(path, payload)
    try:
        _SHAPES[signal_type].model_validate(payload)
    except ValidationError as error:
        raise ScenarioError.from_validation(path, error) from None
    return ScenarioSignal(signal_type, path, payload)


def _type_of(path: Path, payload: dict[str, Any]) -> SignalType:
    if "alerts" in payload:
        return SignalType.ALERTMANAGER
    if payload.get("kind") == "Event":
        return SignalType.KUBERNETES_EVENT
    raise ScenarioError.at(
        path,
        "",
        "cannot tell what sent this signal: an Alertmanager payload has alerts, a Kubernetes "
        "Event has kind: Event (or set signal.type in scenario.yaml)",
    )
