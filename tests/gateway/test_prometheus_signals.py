"""Alertmanager webhooks: one RemediationRequest per incident (by the documented
fingerprint), repeats counted on it, resolution marks it, a recurrence after it ended
starts a new one."""

from __future__ import annotations

import hashlib
from typing import Any

import httpx
from gateway_support import REDIS_URL, alert, remediations, serving, settings_for, webhook
from redis.asyncio import Redis

from kubernaut.kube import KubeClient
from kubernaut.sim.server import Simulator

PROMETHEUS = "/api/v1/signals/prometheus"


async def _pods(kube: KubeClient) -> list[str]:
    return [p["metadata"]["name"] for p in await kube.list("v1", "Pod", "shop", "app=checkout")]


async def _finish(kube: KubeClient, rr: dict[str, Any]) -> None:
    await kube.patch(
        "kubernaut.io/v1alpha1",
        "RemediationRequest",
        rr["metadata"]["namespace"],
        rr["metadata"]["name"],
        {"status": {"phase": "Completed"}},
        subresource="status",
    )


async def test_pod_alert_becomes_one_request_for_its_deployment(
    http: httpx.AsyncClient, kube: KubeClient
) -> None:
    first, second = await _pods(kube)
    created = await http.post(
        PROMETHEUS, json=webhook(alert("KubePodCrashLooping", namespace="shop", pod=first))
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["outcome"] == "created"
    assert (body["environment"], body["priority"]) == ("production", "P0")

    again = await http.post(
        PROMETHEUS, json=webhook(alert("KubePodCrashLooping", namespace="shop", pod=second))
    )
    assert again.status_code == 202
    assert again.json()["remediation"] == body["remediation"]
    assert again.json()["occurrences"] == 2

    [rr] = await remediations(kube)
    assert rr["metadata"]["name"] == body["remediation"]
    assert rr["metadata"]["labels"]["kubernaut.io/fingerprint"] == body["fingerprint"]
    assert rr["spec"]["target"] == {"kind": "Deployment", "namespace": "shop", "name": "checkout"}
    assert rr["spec"]["signal"]["name"] == "KubePodCrashLooping"
    assert rr["spec"]["fingerprint"] == body["fingerprint"]
    assert rr["status"]["deduplication"]["occurrences"] == 2
    assert rr["status"]["deduplication"]["firstSeen"] <= rr["status"]["deduplication"]["lastSeen"]


async def test_a_batch_answers_207_with_one_result_per_alert(
    http: httpx.AsyncClient, kube: KubeClient
) -> None:
    (pod, _) = await _pods(kube)
    batch = webhook(
        alert("KubePodNotReady", namespace="shop", pod=pod),
        alert("KubePodNotReady", namespace="sandbox", pod="tool-1"),
        alert("NeverFired", status="resolved", namespace="shop", deployment="checkout"),
    )
    answer = await http.post(PROMETHEUS, json=batch)
    assert answer.status_code == 207
    results = answer.json()["results"]
    assert [r["status"] for r in results] == [201, 200, 200]
    assert [r["outcome"] for r in results] == ["created", "out-of-scope", "no-active-remediation"]
    assert "kubernaut.io/managed=true" in results[1]["reason"]
    assert len(await remediations(kube)) == 1


async def test_resolved_marks_the_active_request_and_never_starts_one(
    http: httpx.AsyncClient, kube: KubeClient
) -> None:
    labels = {"namespace": "shop", "deployment": "checkout"}
    lonely = await http.post(PROMETHEUS, json=webhook(alert("Other", "resolved", **labels)))
    assert lonely.json()["outcome"] == "no-active-remediation"
    assert await remediations(kube) == []

    await http.post(PROMETHEUS, json=webhook(alert("HighLatency", **labels)))
    resolved = await http.post(PROMETHEUS, json=webhook(alert("HighLatency", "resolved", **labels)))
    assert resolved.status_code == 200
    assert resolved.json()["outcome"] == "resolved"
    [rr] = await remediations(kube)
    assert rr["status"]["signalResolvedAt"]
    condition = next(c for c in rr["status"]["conditions"] if c["type"] == "SignalResolved")
    assert condition["status"] == "True"

    await http.post(PROMETHEUS, json=webhook(alert("HighLatency", **labels)))
    [rr] = await remediations(kube)
    assert "signalResolvedAt" not in rr["status"] or rr["status"]["signalResolvedAt"] is None
    condition = next(c for c in rr["status"]["conditions"] if c["type"] == "SignalResolved")
    assert (condition["status"], condition["reason"]) == ("False", "FiringAgain")


async def test_a_recurrence_after_the_remediation_ended_gets_a_new_request(
    http: httpx.AsyncClient, kube: KubeClient
) -> None:
    payload = webhook(alert("DiskFull", namespace="shop", deployment="checkout"))
    first = (await http.post(PROMETHEUS, json=payload)).json()["remediation"]
    [rr] = await remediations(kube)
    await _finish(kube, rr)
    resolved = webhook(alert("DiskFull", "resolved", namespace="shop", deployment="checkout"))
    assert (await http.post(PROMETHEUS, json=resolved)).json()["outcome"] == (
        "no-active-remediation"
    )

    later = await http.post(PROMETHEUS, json=payload)
    assert later.status_code == 201
    second = later.json()["remediation"]
    assert first.endswith("-1") and second == first[:-1] + "2"
    names = sorted(r["metadata"]["name"] for r in await remediations(kube))
    assert names == [first, second]
    ended = next(r for r in await remediations(kube) if r["metadata"]["name"] == first)
    assert ended["status"]["deduplication"]["occurrences"] == 1


async def test_an_invalid_alert_is_a_400_naming_the_field(http: httpx.AsyncClient) -> None:
    bad = webhook(alert("X"))
    del bad["alerts"][0]["labels"]["alertname"]
    answer = await http.post(PROMETHEUS, json=bad)
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["errors"][0]["field"] == "alerts[0].labels"
    assert "alertname" in problem["detail"]
    wrong_version = await http.post(PROMETHEUS, json={**webhook(alert("X")), "version": "3"})
    assert wrong_version.status_code == 400
    assert wrong_version.json()["errors"][0]["field"] == "version"


def _recipe(*lines: str) -> str:
    """The documented fingerprint: SHA-256 of the lines joined by newlines, 40 hex."""
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:40]


async def test_the_fingerprint_follows_the_documented_recipe(
    http: httpx.AsyncClient, kube: KubeClient
) -> None:
    (pod, _) = await _pods(kube)
    on_a_pod = await http.post(
        PROMETHEUS, json=webhook(alert("KubePodCrashLooping", namespace="shop", pod=pod))
    )
    assert on_a_pod.json()["fingerprint"] == _recipe(
        "KubePodCrashLooping", "Deployment/shop/checkout"
    )

    labels = {"namespace": "shop", "queue": "orders"}
    warning = await http.post(
        PROMETHEUS, json=webhook(alert("QueueBacklog", severity="warning", **labels))
    )
    assert warning.status_code == 201, warning.text
    assert warning.json()["fingerprint"] == _recipe(
        "QueueBacklog", "alertname=QueueBacklog", "namespace=shop", "queue=orders"
    )
    worse = await http.post(
        PROMETHEUS, json=webhook(alert("QueueBacklog", severity="critical", **labels))
    )
    assert worse.status_code == 202, "warning to critical is the same incident"
    assert worse.json()["remediation"] == warning.json()["remediation"]
    [backlog] = [
        r for r in await remediations(kube) if r["spec"]["signal"]["name"] == "QueueBacklog"
    ]
    seen = backlog["status"]["deduplication"]
    assert seen["occurrences"] == 2
    assert seen["lastSeen"] > seen["firstSeen"], "lastSeen moves with each occurrence"


async def test_the_fast_path_remembers_an_incident_for_the_ttl(cluster: Simulator) -> None:
    """In Redis, a fingerprint maps to its RemediationRequest with the configured TTL, so
    a remembered name never outlives the setting."""
    settings = settings_for(cluster, "redis", dedup_ttl_seconds=120)
    async with serving(settings) as http:
        labels = {"namespace": "shop", "deployment": "checkout"}
        body = (await http.post(PROMETHEUS, json=webhook(alert("Slow", **labels)))).json()
    redis = Redis.from_url(REDIS_URL)
    try:
        key = f"{settings.redis_key_prefix}rr:{body['fingerprint']}"
        assert (await redis.get(key)) == body["remediation"].encode()
        assert 0 < await redis.ttl(key) <= 120
    finally:
        await redis.aclose()
