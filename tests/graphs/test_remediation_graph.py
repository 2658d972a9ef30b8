"""The remediation graph driven by a scripted model over HTTP through litellm: denials,
repair, retries, approval interrupts, resuming without applying a step twice, and
verify's verdicts (rolled back when worse, not resolved when no better)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from langgraph.types import Command

from kubernaut.agents.models import ModelSettings
from kubernaut.agents.scripted import ScriptedChatServer, ScriptedError, ScriptedReply
from kubernaut.core.actions import ActionStep
from kubernaut.core.execution import StepResult
from kubernaut.core.resources import ResourceRef
from kubernaut.core.signal import Signal, SignalSource
from kubernaut.graphs.runner import resume_remediation, run_remediation
from kubernaut.graphs.runtime import remediation_runtime
from kubernaut.graphs.settings import GraphSettings
from kubernaut.sim.server import Simulator
from kubernaut.tools.executor import DirectExecutor
from kubernaut.tools.plan import ActionPlan
from support import NODES, wait_for

WEB = ResourceRef(kind="Deployment", namespace="shop", name="web")
SIGNAL = Signal(
    source=SignalSource.ALERTMANAGER,
    name="KubeDeploymentReplicasMismatch",
    target=WEB,
    labels={"namespace": "shop", "deployment": "web"},
).model_dump(mode="json")


def _deployment(namespace: str, name: str, replicas: int) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": name, "image": "nginx:1.27"}]},
            },
        },
    }


@pytest.fixture
def cluster(sim: Simulator) -> Simulator:
    sim.apply(
        [
            {
                "apiVersion": "v1",
                "kind": "Namespace",
                "metadata": {"name": "shop", "labels": {"kubernaut.io/managed": "true"}},
            },
            _deployment("shop", "web", 2),
            _deployment("kube-system", "coredns", 2),
        ]
    )
    wait_for(lambda: sim.call(_ready("shop", "web", 2)))
    return sim


def _ready(namespace: str, name: str, replicas: int) -> Any:
    def check(cluster: Any) -> bool:
        found = cluster.store.peek(cluster.resource("apps/v1", "Deployment"), namespace, name)
        return bool(found) and (found.get("status") or {}).get("readyReplicas") == replicas

    return check


def _recommendation(
    action: str, target: dict[str, Any], confidence: float = 0.9, **parameters: Any
) -> ScriptedReply:
    body = {
        "root_cause": {
            "category": "scaling",
            "summary": "too few replicas for the load",
            "evidence": ["replicas mismatch"],
            "target": target,
        },
        "action": {"action": action, "target": target, "parameters": parameters},
        "confidence": confidence,
        "alternatives": [],
    }
    return ScriptedReply(content=json.dumps(body))


DONE = ScriptedReply(content="Investigation complete: the deployment needs more replicas.")
SCALE_WEB = _recommendation(
    "scale_deployment", {"kind": "Deployment", "namespace": "shop", "name": "web"}, replicas=3
)
SCALE_WEB_UNSURE = _recommendation("scale_deployment", WEB.model_dump(), confidence=0.5, replicas=3)
"""Below the policy's confidence threshold: it needs a person's approval."""


def _runtime(
    sim: Simulator,
    server: ScriptedChatServer,
    *,
    verify_timeout: float = 20,
    bounds: dict[str, int] | None = None,
    **overrides: Any,
) -> Any:
    settings = ModelSettings(
        api_base=server.base_url, api_key="test", max_retries=2, backoff_base=0.01
    )
    return remediation_runtime(
        sim.kubeconfig_path,
        model="openai/scripted",
        model_settings=settings,
        settings=GraphSettings(
            verify_timeout=verify_timeout, verify_interval=0.2, **(bounds or {})
        ),
        **overrides,
    )


def _writes(sim: Simulator, since: int) -> list[Any]:
    """Real writes since ``since`` (access reviews ask, they change nothing)."""
    return [
        write
        for write in sim.request_log.writes()[since:]
        if write.resource != "selfsubjectaccessreviews"
    ]


async def test_dangerous_proposals_are_denied_with_reasons_and_never_reach_the_api(
    cluster: Simulator,
) -> None:
    script = [
        DONE,
        _recommendation("delete_namespace", {"kind": "Namespace", "name": "shop"}),
        _recommendation(
            "scale_deployment",
            {"kind": "Deployment", "namespace": "kube-system", "name": "coredns"},
            replicas=0,
        ),
        _recommendation("reboot_cluster", {"kind": "Node", "name": "node-1"}),
    ]
    start = len(cluster.request_log.records())
    with ScriptedChatServer(script) as server:
        async with _runtime(cluster, server) as runtime:
            final = await run_remediation(runtime.graph, str(uuid.uuid4()), SIGNAL, execute=True)
    assert final["outcome"] == "ManualReviewRequired"
    reasons = [" ".join(denial["reasons"]) for denial in final["denials"]]
    assert len(reasons) == 3
    assert "delete_namespace" in reasons[0] and "catalog" in reasons[0]
    assert "kube-system" in reasons[1] and "protected" in reasons[1]
    assert "reboot_cluster" in reasons[2]
    sent = cluster.request_log.records()[start:]
    assert not [r for r in sent if r.method != "GET"], [
        (r.method, r.path) for r in sent if r.method != "GET"
    ]


async def test_a_denied_proposal_made_again_ends_the_run_at_once(cluster: Simulator) -> None:
    coredns = {"kind": "Deployment", "namespace": "kube-system", "name": "coredns"}
    again = _recommendation("restart_deployment", coredns)
    with ScriptedChatServer([DONE, again, again]) as server:
        async with _runtime(cluster, server) as runtime:
            final = await run_remediation(runtime.graph, str(uuid.uuid4()), SIGNAL, execute=True)
        asked = len(server.requests)
    assert final["outcome"] == "ManualReviewRequired"
    assert "again after it was denied" in final["reason"]
    assert len(final["denials"]) == 2
    assert asked == 3, "no third recommendation was asked for"


async def test_a_malformed_recommendation_is_repaired_once(cluster: Simulator) -> None:
    script = [DONE, ScriptedReply(content="I think you should scale it up a bit."), SCALE_WEB]
    with ScriptedChatServer(script) as server:
        async with _runtime(cluster, server) as runtime:
            final = await run_remediation(runtime.graph, "repair", SIGNAL, execute=False)
        repair_request = json.dumps(server.requests[2]["messages"][-1])
    assert final["outcome"] == "Recommended", final.get("reason")
    assert final["recommendation"]["action"]["parameters"] == {"replicas": 3}
    assert "JSON" in repair_request


async def test_a_second_malformed_reply_ends_in_manual_review(cluster: Simulator) -> None:
    script = [DONE, ScriptedReply(content="scale it"), ScriptedReply(content='{"nope": 1}')]
    with ScriptedChatServer(script) as server:
        async with _runtime(cluster, server) as runtime:
            final = await run_remediation(runtime.graph, "broken", SIGNAL, execute=False)
    assert final["outcome"] == "ManualReviewRequired"
    assert "Recommendation" in final["reason"]


async def test_tool_calls_are_executed_and_answered_and_errors_retried(
    cluster: Simulator,
) -> None:
    script = [
        ScriptedError(429, retry_after=0.01),
        ScriptedReply(
            tool_calls=[
                {"name": "get_resources", "arguments": {"kind": "Deployment", "namespace": "shop"}}
            ]
        ),
        ScriptedError(500),
        DONE,
        SCALE_WEB,
    ]
    with ScriptedChatServer(script) as server:
        async with _runtime(cluster, server) as runtime:
            final = await run_remediation(runtime.graph, "tools", SIGNAL, execute=False)
        answered = [m for m in server.requests[3]["messages"] if m.get("role") == "tool"]
    assert final["outcome"] == "Recommended", final.get("reason")
    assert [call["tool"] for call in final["tool_calls"]] == ["get_resources"]
    assert answered and '<tool-output tool="get_resources"' in answered[0]["content"]
    assert "web" in answered[0]["content"]
    assert len(server.requests) == 5
    assert final["usage"]["prompt_tokens"] > 0
    assert final["usage"]["completion_tokens"] > 0


async def test_an_investigation_that_never_concludes_is_cut_off(cluster: Simulator) -> None:
    """Model turns and tool calls are bounded; refused calls are answered and recorded."""
    look = ScriptedReply(
        tool_calls=[{"name": "get_resources", "arguments": {"kind": "Pod", "namespace": "shop"}}]
    )
    script = [look, look, look, SCALE_WEB]
    with ScriptedChatServer(script) as server:
        bounds = {"max_tool_rounds": 3, "max_tool_calls": 2}
        async with _runtime(cluster, server, bounds=bounds) as runtime:
            final = await run_remediation(runtime.graph, "endless", SIGNAL, execute=False)
        refused = [m for m in server.requests[3]["messages"] if m.get("role") == "tool"][-1]
    assert final["outcome"] == "Recommended", final.get("reason")
    assert [(c["tool"], c["ok"]) for c in final["tool_calls"]] == [
        ("get_resources", True),
        ("get_resources", True),
        ("get_resources", False),
    ]
    assert "tool-call budget of this investigation is spent" in refused["content"]
    investigate = final["trail"][0]
    assert investigate["summary"].startswith("3 tool call(s); the limit of 3 model turns")
    assert len(server.requests) == 4, "three investigation turns, then the recommendation"


async def test_approval_pauses_and_approve_executes(cluster: Simulator) -> None:
    start = len(cluster.request_log.writes())
    with ScriptedChatServer([DONE, SCALE_WEB_UNSURE]) as server:
        async with _runtime(cluster, server) as runtime:
            paused = await run_remediation(runtime.graph, "approve-me", SIGNAL, execute=True)
            assert paused["outcome"] == "AwaitingApproval"
            assert "confidence" in " ".join(paused["approval_request"]["reasons"])
            assert _writes(cluster, start) == []
            final = await resume_remediation(
                runtime.graph,
                "approve-me",
                Command(resume={"approved": True, "by": "alice", "reason": ""}),
            )
    assert final["outcome"] == "Remediated", final.get("reason")
    assert final["approval"]["by"] == "alice"
    patches = [w for w in _writes(cluster, start) if w.resource == "deployments"]
    assert [(w.verb, w.name) for w in patches] == [("patch", "web")]
    assert cluster.call(_ready("shop", "web", 3))


async def test_rights_lost_during_an_approval_stop_the_write(cluster: Simulator) -> None:
    """Access is reviewed again right before writing: what validation allowed may no
    longer be allowed once a person has approved."""
    start = len(cluster.request_log.writes())
    with ScriptedChatServer([DONE, SCALE_WEB_UNSURE]) as server:
        async with _runtime(cluster, server) as runtime:
            paused = await run_remediation(runtime.graph, "slow-yes", SIGNAL, execute=True)
            assert paused["validation"]["decision"]["verdict"] == "needs-approval"
            cluster.call(lambda c: c.access.deny("patch", "deployments", namespace="shop"))
            final = await resume_remediation(
                runtime.graph,
                "slow-yes",
                Command(resume={"approved": True, "by": "alice", "reason": ""}),
            )
    assert final["outcome"] == "Failed", final.get("reason")
    assert "nothing written" in final["reason"] and "may not patch" in final["reason"]
    assert [w for w in _writes(cluster, start) if w.resource == "deployments"] == []


async def test_reject_ends_without_writing(cluster: Simulator) -> None:
    start = len(cluster.request_log.writes())
    with ScriptedChatServer([DONE, SCALE_WEB_UNSURE]) as server:
        async with _runtime(cluster, server) as runtime:
            await run_remediation(runtime.graph, "reject-me", SIGNAL, execute=True)
            final = await resume_remediation(
                runtime.graph,
                "reject-me",
                Command(resume={"approved": False, "by": "bob", "reason": "not now"}),
            )
    assert final["outcome"] == "Rejected"
    assert "not now" in final["reason"]
    assert _writes(cluster, start) == []


class ProcessStopped(Exception):
    """Stands for the process dying: nothing after the raise runs."""


class StoppedAfterWriting(DirectExecutor):
    """Writes like the real executor, then dies before the graph can checkpoint."""

    stopped = False

    async def execute(self, step: ActionStep, plan: ActionPlan) -> StepResult:
        result = await super().execute(step, plan)
        if not StoppedAfterWriting.stopped:
            StoppedAfterWriting.stopped = True
            raise ProcessStopped("stopped between execute and verify")
        return result


async def test_a_resumed_run_does_not_apply_a_step_twice(cluster: Simulator) -> None:
    start = len(cluster.request_log.writes())
    with ScriptedChatServer([DONE, SCALE_WEB]) as server:
        async with _runtime(cluster, server) as runtime:
            executor = StoppedAfterWriting(runtime.client)
            runtime.deps.executor = executor
            with pytest.raises(ProcessStopped):
                await run_remediation(runtime.graph, "resume-me", SIGNAL, execute=True)
            final = await resume_remediation(runtime.graph, "resume-me")
    assert final["result"]["status"] == "already-applied", final["result"]
    assert final["outcome"] == "Remediated", final.get("reason")
    patches = [w for w in _writes(cluster, start) if w.resource == "deployments"]
    assert [(w.verb, w.name) for w in patches] == [("patch", "web")]


def _image_of(namespace: str, name: str) -> Any:
    def read(cluster: Any) -> str:
        found = cluster.store.peek(cluster.resource("apps/v1", "Deployment"), namespace, name)
        return str(found["spec"]["template"]["spec"]["containers"][0]["image"])

    return read


@pytest.fixture
def bad_image_sim() -> Iterator[Simulator]:
    """A simulator whose registry lacks ``nginx:bad``, with ``web`` in namespace shop."""
    with Simulator(
        speed=50, manifests=[dict(n) for n in NODES], missing_images=["nginx:bad"]
    ) as sim:
        sim.apply(
            [
                {
                    "apiVersion": "v1",
                    "kind": "Namespace",
                    "metadata": {"name": "shop", "labels": {"kubernaut.io/managed": "true"}},
                }
            ]
        )
        yield sim


async def test_an_action_that_makes_things_worse_is_rolled_back(bad_image_sim: Simulator) -> None:
    sim = bad_image_sim
    web = _deployment("shop", "web", 2)
    web["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:bad"
    sim.apply([web])
    sim.apply([_deployment("shop", "web", 2)])
    wait_for(lambda: sim.call(_ready("shop", "web", 2)))
    back_to_the_bad_image = _recommendation("rollback_deployment", WEB.model_dump())
    start = len(sim.request_log.writes())
    with ScriptedChatServer([DONE, back_to_the_bad_image]) as server:
        async with _runtime(sim, server, verify_timeout=3) as runtime:
            final = await run_remediation(runtime.graph, "worse", SIGNAL, execute=True)
    assert final["outcome"] == "RolledBack", final.get("reason")
    assert final["verification"]["score_after"] < final["verification"]["score_before"]
    assert final["verification"]["rollback"]["status"] == "rolled-back"
    assert "ImagePullBackOff" in final["reason"] or "ErrImagePull" in final["reason"]
    assert sim.call(_image_of("shop", "web")) == "nginx:1.27"
    wait_for(lambda: sim.call(_ready("shop", "web", 2)))
    patches = [w for w in _writes(sim, start) if w.resource == "deployments" and not w.dry_run]
    assert len(patches) == len(final["validation"]["plan"]["writes"]) + len(
        final["validation"]["plan"]["rollback"]
    )


async def test_an_action_that_does_not_help_ends_not_resolved(bad_image_sim: Simulator) -> None:
    sim = bad_image_sim
    web = _deployment("shop", "web", 2)
    web["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:bad"
    sim.apply([web])
    more = _recommendation("scale_deployment", WEB.model_dump(), replicas=3)
    with ScriptedChatServer([DONE, more]) as server:
        async with _runtime(sim, server, verify_timeout=2) as runtime:
            final = await run_remediation(runtime.graph, "no-help", SIGNAL, execute=True)
    assert final["outcome"] == "NotResolved", final.get("reason")
    assert "not healthy after 2s" in final["reason"]
    assert "rollback" not in final["verification"]
    assert sim.call(_image_of("shop", "web")) == "nginx:bad"
