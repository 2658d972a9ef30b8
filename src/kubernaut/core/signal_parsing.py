"""Turning sender payloads into :class:`Signal` objects (pure functions, no I/O)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kubernaut.core.resources import CLUSTER_SCOPED_KINDS, ResourceRef
from kubernaut.core.signal import Signal, SignalSource, SignalStatus


class SignalFormatError(ValueError):
    """A payload that is not a signal Kubernaut understands; the message says why."""


TARGET_LABELS: tuple[tuple[str, str], ...] = (
    ("pod", "Pod"),
    ("deployment", "Deployment"),
    ("statefulset", "StatefulSet"),
    ("daemonset", "DaemonSet"),
    ("job_name", "Job"),
    ("horizontalpodautoscaler", "HorizontalPodAutoscaler"),
    ("persistentvolumeclaim", "PersistentVolumeClaim"),
    ("node", "Node"),
)
"""Alert labels (as kube-state-metrics names them) that name the alert's object, most
specific first: a pod-level alert's pod label wins over its deployment label."""


def signals_from_alertmanager(payload: dict[str, Any]) -> list[Signal]:
    """Every alert of an Alertmanager webhook payload (version 4) as a Signal."""
    if str(payload.get("version")) != "4":
        raise SignalFormatError('not an Alertmanager webhook payload: version must be "4"')
    alerts = payload.get("alerts")
    if not isinstance(alerts, list) or not alerts:
        raise SignalFormatError("an Alertmanager payload needs a non-empty alerts list")
    return [_alert(alert, index) for index, alert in enumerate(alerts)]


def _alert(alert: Any, index: int) -> Signal:
    if not isinstance(alert, dict):
        raise SignalFormatError(f"alerts[{index}] is not an object")
    labels = {str(key): str(value) for key, value in (alert.get("labels") or {}).items()}
    annotations = {str(k): str(v) for k, v in (alert.get("annotations") or {}).items()}
    if "alertname" not in labels:
        raise SignalFormatError(f"alerts[{index}].labels has no alertname")
    status = alert.get("status", "firing")
    if status not in ("firing", "resolved"):
        raise SignalFormatError(f"alerts[{index}].status must be firing or resolved")
    return Signal(
        source=SignalSource.ALERTMANAGER,
        name=labels["alertname"],
        status=SignalStatus(status),
        severity=labels.get("severity", "warning"),
        target=target_from_labels(labels),
        summary=annotations.get("summary", ""),
        description=annotations.get("description", ""),
        labels=labels,
        annotations=annotations,
        started_at=_time(alert.get("startsAt")),
        raw=alert,
    )


def target_from_labels(labels: dict[str, str]) -> ResourceRef | None:
    """The object an alert's labels name, or None when they name none."""
    for label, kind in TARGET_LABELS:
        if labels.get(label):
            namespace = "" if kind in CLUSTER_SCOPED_KINDS else labels.get("namespace", "")
            return ResourceRef(kind=kind, namespace=namespace, name=labels[label])
    return None


def signal_from_event(event: dict[str, Any]) -> Signal:
    """A core/v1 or events.k8s.io/v1 Event as a Signal."""
    if event.get("kind") != "Event":
        raise SignalFormatError("not a Kubernetes Event: kind must be Event")
    involved = event.get("involvedObject") or event.get("regarding")
    if not isinstance(involved, dict) or not involved.get("kind") or not involved.get("name"):
        raise SignalFormatError("the Event names no object (involvedObject or regarding)")
    reason = str(event.get("reason") or "")
    if not reason:
        raise SignalFormatError("the Event has no reason")
    kind = str(involved["kind"])
    namespace = "" if kind in CLUSTER_SCOPED_KINDS else str(involved.get("namespace") or "")
    message = str(event.get("message") or event.get("note") or "")
    event_type = str(event.get("type") or "Normal")
    return Signal(
        source=SignalSource.KUBERNETES_EVENT,
        name=reason,
        severity="warning" if event_type == "Warning" else "info",
        target=ResourceRef(kind=kind, namespace=namespace, name=str(involved["name"])),
        summary=f"{kind} {involved['name']}: {reason}",
        description=message,
        labels={"reason": reason, "type": event_type, "namespace": namespace},
        started_at=_time(event.get("firstTimestamp") or event.get("eventTime")),
        raw=event,
    )


def signals_from_payload(payload: Any) -> list[Signal]:
    """Signals from any payload Kubernaut reads from a file: an Alertmanager webhook or an
    Event."""
    if not isinstance(payload, dict):
        raise SignalFormatError("a signal must be a JSON or YAML object")
    if "alerts" in payload:
        return signals_from_alertmanager(payload)
    if payload.get("kind") == "Event":
        return [signal_from_event(payload)]
    raise SignalFormatError(
        'cannot tell what sent this signal: an Alertmanager webhook has version "4" and '
        "alerts, a Kubernetes Event has kind: Event"
    )


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value or value.startswith("0001-"):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
