"""Storms: more than the environment's threshold of one signal name across distinct
targets within the window become one storm RemediationRequest with an escalation."""

from __future__ import annotations

import httpx
from gateway_support import alert, remediations, webhook

from kubernaut.kube import KubeClient

PROMETHEUS = "/api/v1/signals/prometheus"


def _pod_alert(index: int, namespace: str = "shop") -> dict[str, object]:
    return webhook(alert("KubePodOOMKilled", namespace=namespace, pod=f"worker-{index}"))


async def test_the_sixth_target_in_production_starts_a_storm(
    http: httpx.AsyncClient, kube: KubeClient
) -> None:
    outcomes = []
    for index in range(1, 9):
        answer = await http.post(PROMETHEUS, json=_pod_alert(index))
        outcomes.append(answer.json()["outcome"])
    assert outcomes == ["created"] * 5 + ["storm-created", "storm-aggregated", "storm-aggregated"]

    repeat = await http.post(PROMETHEUS, json=_pod_alert(7))
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
    assert any(
        e["reason"] == "Storm" and e["involvedObject"]["name"] == storm["metadata"]["name"]
        for e in events
    )


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
