"""`kubernaut investigate` as a user runs it: a subprocess, its output and exit status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from kubernaut.agents.scripted import ScriptedChatServer, ScriptedReply
from kubernaut.sim.scenario import builtin_scenarios_dir, load_scenario
from kubernaut.sim.server import Simulator
from support import NODES

KUBERNAUT = [sys.executable, "-m", "kubernaut", "investigate"]
SCENARIOS = builtin_scenarios_dir()


def run(
    *args: str, timeout: float = 120, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*KUBERNAUT, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )


def test_a_scenario_is_remediated_with_each_decision_shown() -> None:
    result = run("--scenario", str(SCENARIOS / "oomkilled"), "--execute", "--auto-approve")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for node in ("investigate", "recommend", "validate", "execute", "verify"):
        assert f"> {node}" in out
    assert "-> increase_resources(container=checkout, memory_limit=512Mi)" in out
    assert "Outcome     Remediated" in out
    assert "(estimated: characters / 4)" in out


def test_without_execute_it_only_recommends_and_writes_nothing() -> None:
    result = run("--scenario", str(SCENARIOS / "hpa-maxed"), "--json")
    assert result.returncode == 0, result.stderr
    final = json.loads(result.stdout)
    assert final["outcome"] == "Recommended"
    assert final["recommendation"]["action"]["action"] == "update_hpa"
    assert "result" not in final
    assert "> validate" in result.stderr


def test_approval_without_a_terminal_is_left_pending_with_exit_4() -> None:
    result = run("--scenario", str(SCENARIOS / "node-disk-pressure"), "--execute")
    assert result.returncode == 4, result.stdout + result.stderr
    assert "Outcome     AwaitingApproval" in result.stdout
    assert "drain_node is high risk" in result.stdout


def test_an_alert_file_is_investigated_on_the_kubeconfig_cluster(tmp_path: Path) -> None:
    scenario = load_scenario(SCENARIOS / "oomkilled")
    alert = tmp_path / "alert.json"
    alert.write_text(json.dumps(scenario.signal.payload))
    with Simulator(speed=50, manifests=scenario.manifests, seed=1) as sim:
        result = run("--alert", str(alert), "--kubeconfig", str(sim.kubeconfig_path))
    assert result.returncode == 0, result.stderr
    assert "Signal     KubePodCrashLooping (alertmanager, warning) on Deployment shop/checkout" in (
        result.stdout
    )
    assert "Outcome     Recommended" in result.stdout


def test_bad_input_gets_a_clear_error_and_exit_status(tmp_path: Path) -> None:
    neither = run()
    assert neither.returncode == 2
    assert "give exactly one of --scenario or --alert" in neither.stderr

    not_a_signal = tmp_path / "alert.yaml"
    not_a_signal.write_text(yaml.safe_dump({"hello": "world"}))
    result = run("--alert", str(not_a_signal), "--kubeconfig", str(tmp_path / "missing"))
    assert result.returncode == 1
    assert "error: cannot tell what sent this signal" in result.stderr
    assert "Traceback" not in result.stderr

    resolved = tmp_path / "resolved.yaml"
    payload = load_scenario(SCENARIOS / "oomkilled").signal.payload
    payload["alerts"][0]["status"] = "resolved"
    resolved.write_text(yaml.safe_dump(payload))
    result = run("--alert", str(resolved), "--kubeconfig", str(tmp_path / "missing"))
    assert result.returncode == 1
    assert "no firing alert" in result.stderr

    unreachable = run(
        "--alert",
        str(SCENARIOS / "oomkilled" / "signal.yaml"),
        "--kubeconfig",
        str(tmp_path / "missing"),
    )
    assert unreachable.returncode == 1
    assert "not a usable kubeconfig" in unreachable.stderr
    assert "Traceback" not in unreachable.stderr


def test_a_bad_policy_file_or_model_is_refused_before_anything_runs(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("limits:\n  maxReplicaChanges: 3\n")
    scenario = str(SCENARIOS / "oomkilled")
    result = run("--scenario", scenario, "--policy", str(policy))
    assert result.returncode == 1
    assert "maxReplicaChanges" in result.stderr and "Traceback" not in result.stderr

    result = run("--scenario", scenario, "--model", "gpt4o")
    assert result.returncode == 1
    assert "error:" in result.stderr and "Traceback" not in result.stderr


def test_every_recommendation_denied_ends_in_manual_review_with_exit_3(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("actions:\n  allowed: [cordon_node]\n")
    result = run("--scenario", str(SCENARIOS / "oomkilled"), "--execute", "--policy", str(policy))
    assert result.returncode == 3, result.stdout + result.stderr
    assert "Outcome     ManualReviewRequired" in result.stdout
    assert "notify_only on Deployment shop/checkout again after it was denied" in result.stdout
    assert "increase_resources is not in actions.allowed" in result.stdout


def test_a_model_behind_api_base_that_makes_things_worse_is_rolled_back_with_exit_5(
    tmp_path: Path,
) -> None:
    """An OpenAI-compatible endpoint (as vLLM or Ollama serve) proposes rolling ``web``
    back to a revision whose image does not exist; verify undoes it."""
    web = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "web", "image": "nginx:bad"}]},
            },
        },
    }
    target = {"kind": "Deployment", "namespace": "shop", "name": "web"}
    rollback = {
        "root_cause": {
            "category": "bad-rollout",
            "summary": "the last rollout broke web",
            "evidence": ["a new revision"],
            "target": target,
        },
        "action": {"action": "rollback_deployment", "target": target, "parameters": {}},
        "confidence": 0.9,
        "alternatives": [],
    }
    script = [ScriptedReply(content="Investigation complete."), ScriptedReply(json.dumps(rollback))]
    alert = tmp_path / "alert.json"
    alert.write_text(json.dumps(_alert("KubeDeploymentReplicasMismatch", "shop", "web")))
    nodes = [dict(node) for node in NODES]
    with Simulator(speed=50, manifests=nodes, missing_images=["nginx:bad"]) as sim:
        sim.apply([_managed("shop"), web])
        fixed = json.loads(json.dumps(web))
        fixed["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.27"
        sim.apply([fixed])
        with ScriptedChatServer(script) as server:
            result = run(
                "--alert",
                str(alert),
                "--kubeconfig",
                str(sim.kubeconfig_path),
                "--model",
                "openai/scripted",
                "--api-base",
                server.base_url,
                "--execute",
                "--verify-timeout",
                "3",
                env={"KUBERNAUT_MODEL_API_KEY": "test"},
            )
    assert result.returncode == 5, result.stdout + result.stderr
    assert "Outcome     RolledBack" in result.stdout
    assert "rollback: rolled-back" in result.stdout
    assert "(estimated" not in result.stdout, "a served model reports its own token counts"


def _managed(namespace: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": namespace, "labels": {"kubernaut.io/managed": "true"}},
    }


def _alert(name: str, namespace: str, deployment: str) -> dict[str, Any]:
    return {
        "version": "4",
        "status": "firing",
        "receiver": "kubernaut",
        "groupKey": f'{{}}:{{alertname="{name}"}}',
        "alerts": [
            {
                "status": "firing",
                "labels": {
                    "alertname": name,
                    "namespace": namespace,
                    "deployment": deployment,
                    "severity": "warning",
                },
                "annotations": {"summary": f"{deployment} is not available"},
                "startsAt": "2026-12-01T10:00:00Z",
            }
        ],
    }
