"""Storms: more than the environment's threshold of one signal name across distinct
targets within the window become one storm RemediationRequest with an escalation (a
status entry, an Escalated event, and one POST to the escalation webhook)."""

from __future__ import annotations

import httpx
from gateway_support import alert, remediations, serving, settings_for, webhook

from kubernaut.kube import KubeClient
from kubernaut.sim.server import Simulator
from support import WebhookReceiver

PROMETHEUS = "/api/v1/signals/prometheus"


def _pod_alert(index: int, namespace: str = "shop") -> dict[str, object]:
    return webhook(alert("KubePodOOMKilled", namespace=namespace, pod=f"worker-{index}"))


async def test_the_sixth_target_in_production_starts_a_storm(
    cluster: Simulator, store_kind: str, kube: KubeClient
) -> None:
    outcomes = []
    with WebhookReceiver() as receiver:
        settings = settings_for(cluster, store_kind, escalation_webhook=receiver.url)
        async with serving(settings) as http:
            for index in range(1, 9):
                answer = await http.post(PROMETHEUS, json=_pod_alert(index))
                outcomes.append(answer.json()["outcome"])
            repeat = await http.post(PROMETHEUS, json=_pod_alert(7))
        posted = list(receiver.received)
    assert outcomes == ["created"] * 5 + ["storm-created", "storm-aggregated", "storm-aggregated"]
    assert repeat.json()["outcome"] == "storm-aggregated"

    everything = await remediations(kube)
    storms = [r for r in everything if r["spec"].get("storm")]
    assert len(everything) == 6 and len(storms) == 1
    storm = storms[0]
    assert storm["metadata"]["name"].startswith("storm-kubepodoomkilled-")
    assert storm["spec"]["storm"]["alertName"] == "KubePodOOMKilled"
    names = [t["name"] for t in storm["spec"]["storm"]["targets"]]
    assert names == [f"worker-{i}" for i in range(1, 9)]
    assert storm["spec"]["storm"]["windowSeconds"] == 60
    assert storm["status"]["deduplication"]["occurrences"] == 4
    [escalation] = storm["status"]["escalations"]
    assert escalation["reason"] == "Storm"
    assert "6 targets raised KubePodOOMKilled" in escalation["message"]
    events = await kube.list("v1", "Event", "kubernaut-system")
    assert [
        e["message"]
        for e in events
        if e["reason"] == "Escalated" and e["involvedObject"]["name"] == storm["metadata"]["name"]
    ] == [f"Storm: {escalation['message']}"]
    assert [(p["reason"], p["remediationRequest"], p["signal"]) for p in posted] == [
        ("Storm", f"kubernaut-system/{storm['metadata']['name']}", "KubePodOOMKilled")
    ], "one webhook POST per storm, however many signals join it"


async def test_staging_tolerates_more_targets_than_production(
    http: httpx.AsyncClient, kube: KubeClient
) -> None:
    outcomes = [
        (await http.post(PROMETHEUS, json=_pod_alert(i, "staging-web"))).json()["outcome"]
        for i in range(1, 10)
    ]
    assert outcomes == ["created"] * 8 + ["storm-created"]
    storm = next(r for r in await remediations(kube) if r["spec"].get("storm"))
    assert storm["spec"]["environment"] == "staging"
