"""collect_diagnostics: one ConfigMap holding the object's summary, its pods, events and
log tails, credentials redacted and the whole bounded."""

from __future__ import annotations

import pytest
import yaml
from action_support import (
    STEP_KEY,
    container,
    deployment,
    eventually,
    namespace,
    plan,
    pods,
    send_all,
)

from kubernaut.core.resources import ResourceRef
from kubernaut.kube import KubeApiError, KubeClient
from kubernaut.sim.server import Simulator
from kubernaut.tools.catalog_types import ActionParameterError

WEB = ResourceRef(kind="Deployment", namespace="shop", name="web")
CONFIGMAP = f"kubernaut-diagnostics-{STEP_KEY}"


def _crashing_web(log_lines: list[str]) -> dict[str, object]:
    behaviour = yaml.safe_dump(
        {
            "containers": {
                "web": {"logs": log_lines, "crash": {"after": 2, "logs": ["FATAL gave up"]}}
            }
        }
    )
    manifest = deployment("web", replicas=2, containers=[container("web")])
    manifest["spec"]["template"]["metadata"]["annotations"] = {
        "sim.kubernaut.io/behavior": behaviour
    }
    return manifest


async def _restarted(kube: KubeClient) -> bool:
    found = await pods(kube, "app=web")
    statuses = [s for p in found for s in p["status"].get("containerStatuses") or []]
    return len(statuses) == 2 and all(s.get("restartCount", 0) >= 1 for s in statuses)


async def test_a_snapshot_of_a_crashing_deployment(sim: Simulator, kube: KubeClient) -> None:
    lines = ["INFO starting web", "INFO connecting with password=hunter2 to db"]
    sim.apply([namespace(), _crashing_web(lines)])
    await eventually(lambda: _restarted(kube))
    sim.request_log.clear()

    planned = await plan(kube, "collect_diagnostics", WEB)

    assert sim.request_log.writes(include_dry_run=True) == []
    assert [w.describe() for w in planned.writes] == [f"create ConfigMap shop/{CONFIGMAP}"]
    assert planned.summary.startswith("snapshot of Deployment shop/web (2 pod(s), ")
    await send_all(kube, planned.writes)
    stored = await kube.get("v1", "ConfigMap", "shop", CONFIGMAP)
    assert stored is not None
    data = stored["data"]
    assert set(data) == {"target.yaml", "pods.yaml", "events.yaml", "logs.txt"}
    assert yaml.safe_load(data["target.yaml"])["name"] == "web"
    assert len(yaml.safe_load(data["pods.yaml"])) == 2
    assert "BackOff" in data["events.yaml"] or "Started" in data["events.yaml"]
    assert "INFO starting web" in data["logs.txt"]
    assert "FATAL gave up" in data["logs.txt"], "the previous instance's last words"
    assert "hunter2" not in data["logs.txt"]
    assert stored["metadata"]["labels"] == {
        "kubernaut.io/action": "collect_diagnostics",
        "kubernaut.io/step-key": STEP_KEY,
    }

    with pytest.raises(KubeApiError) as again:
        await send_all(kube, planned.writes)
    assert again.value.status == 409


async def test_the_snapshot_is_bounded(sim: Simulator, kube: KubeClient) -> None:
    sim.apply([namespace(), _crashing_web([f"INFO line {n} " + "x" * 4000 for n in range(40)])])
    await eventually(lambda: _restarted(kube))

    planned = await plan(kube, "collect_diagnostics", WEB, log_lines=100)

    data = planned.writes[0].body["data"]
    assert sum(len(text.encode()) for text in data.values()) <= 200 * 1024
    assert "# truncated: " in data["logs.txt"]
    await send_all(kube, planned.writes, dry_run=True)


async def test_a_node_snapshot_is_kept_in_default_or_the_given_namespace(
    sim: Simulator, kube: KubeClient
) -> None:
    node = ResourceRef(kind="Node", name="node-1")
    planned = await plan(kube, "collect_diagnostics", node)
    assert planned.writes[0].namespace == "default"
    sim.apply([namespace("ops")])
    planned = await plan(kube, "collect_diagnostics", node, namespace="ops")
    await send_all(kube, planned.writes)
    assert await kube.get("v1", "ConfigMap", "ops", CONFIGMAP) is not None


async def test_a_namespaced_object_keeps_its_snapshot_at_home(
    sim: Simulator, kube: KubeClient
) -> None:
    sim.apply([namespace(), deployment("web", replicas=1)])
    with pytest.raises(ActionParameterError, match=r"namespace: .* only for Node targets"):
        await plan(kube, "collect_diagnostics", WEB, namespace="ops")


async def test_events_it_may_not_read_are_noted_not_fatal(sim: Simulator, kube: KubeClient) -> None:
    sim.apply([namespace(), deployment("web", replicas=1)])
    sim.call(lambda cluster: cluster.access.deny("list", "events"))

    planned = await plan(kube, "collect_diagnostics", WEB)

    [entry] = yaml.safe_load(planned.writes[0].body["data"]["events.yaml"])
    assert entry["reason"] == "Unreadable"
    assert "forbidden" in entry["message"].lower()
