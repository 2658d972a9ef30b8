"""Sender payloads become Signals: Alertmanager webhooks and Kubernetes Events."""

from __future__ import annotations

import pytest

from kubernaut.core.resources import ResourceRef
from kubernaut.core.signal import SignalSource, SignalStatus
from kubernaut.core.signal_parsing import SignalFormatError, signals_from_payload
from kubernaut.sim.scenario import builtin_scenarios_dir, list_scenarios


def test_every_shipped_scenario_signal_names_its_target() -> None:
    for scenario in list_scenarios(builtin_scenarios_dir()):
        [signal] = signals_from_payload(scenario.signal.payload)
        assert signal.status is SignalStatus.FIRING
        assert signal.target is not None, scenario.name
        assert signal.target.name in str(scenario.signal.payload), scenario.name


def test_an_alert_names_its_most_specific_object() -> None:
    payload = {
        "version": "4",
        "alerts": [
            {
                "status": "firing",
                "labels": {
                    "alertname": "KubePodNotReady",
                    "namespace": "shop",
                    "deployment": "web",
                    "pod": "web-1",
                    "severity": "critical",
                },
                "annotations": {"summary": "Pod not ready"},
                "startsAt": "2026-01-01T00:00:00Z",
            },
            {
                "status": "resolved",
                "labels": {"alertname": "KubeNodeNotReady", "node": "n1", "namespace": "x"},
            },
        ],
    }
    pod, node = signals_from_payload(payload)
    assert pod.source is SignalSource.ALERTMANAGER
    assert pod.target == ResourceRef(kind="Pod", namespace="shop", name="web-1")
    assert (pod.severity, pod.summary) == ("critical", "Pod not ready")
    assert pod.started_at is not None and pod.started_at.year == 2026
    assert node.status is SignalStatus.RESOLVED
    assert node.target == ResourceRef(kind="Node", name="n1")


def test_an_events_k8s_io_event_is_read_too() -> None:
    event = {
        "apiVersion": "events.k8s.io/v1",
        "kind": "Event",
        "regarding": {"kind": "Pod", "namespace": "shop", "name": "web-1"},
        "reason": "BackOff",
        "note": "Back-off restarting failed container",
        "type": "Warning",
    }
    [signal] = signals_from_payload(event)
    assert signal.source is SignalSource.KUBERNETES_EVENT
    assert signal.description == "Back-off restarting failed container"
    assert signal.severity == "warning"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ([], "must be a JSON or YAML object"),
        ({"version": "3", "alerts": [{}]}, 'version must be "4"'),
        ({"version": "4", "alerts": []}, "non-empty alerts"),
        ({"version": "4", "alerts": [{"labels": {}}]}, "alerts\\[0\\].labels has no alertname"),
        ({"kind": "Event", "reason": "X"}, "names no object"),
        ({"hello": "world"}, "cannot tell what sent this signal"),
    ],
)
def test_payloads_that_are_not_signals_say_why(payload: object, message: str) -> None:
    with pytest.raises(SignalFormatError, match=message):
        signals_from_payload(payload)
