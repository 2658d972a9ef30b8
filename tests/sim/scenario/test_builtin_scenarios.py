"""Every shipped scenario, without an agent: its symptoms show through the Kubernetes API;
one acceptable fix made with plain API calls makes every health predicate hold for
``stableFor`` within ``timeBudget``; a plausible non-fix leaves them failing."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from kubernetes import client as k8s
from kubernetes import config

from kubernaut.sim.scenario import (
    HttpClusterReader,
    Scenario,
    builtin_scenarios_dir,
    evaluate_health,
    load_scenario,
)
from kubernaut.sim.scenario.staging import stage_incident
from kubernaut.sim.server import Simulator

STEP_SECONDS = 5.0

Change = Callable[[Any], None]


def _patch_container(deployment: str, **resources: dict[str, str]) -> Change:
    def change(api: Any) -> None:
        patch = {
            "spec": {
                "template": {"spec": {"containers": [{"name": deployment, "resources": resources}]}}
            }
        }
        k8s.AppsV1Api(api).patch_namespaced_deployment(deployment, "shop", patch)

    return change


def _restart(deployment: str) -> Change:
    def change(api: Any) -> None:
        patch = {
            "spec": {
                "template": {
                    "metadata": {
                        "annotations": {"kubectl.kubernetes.io/restartedAt": "2026-01-01T00:10:00Z"}
                    }
                }
            }
        }
        k8s.AppsV1Api(api).patch_namespaced_deployment(deployment, "shop", patch)

    return change


def _scale(deployment: str, replicas: int) -> Change:
    def change(api: Any) -> None:
        k8s.AppsV1Api(api).patch_namespaced_deployment_scale(
            deployment, "shop", {"spec": {"replicas": replicas}}
        )

    return change


def _rollback(deployment: str) -> Change:
    """What ``kubectl rollout undo`` does: the previous revision's template, put back."""

    def change(api: Any) -> None:
        apps = k8s.AppsV1Api(api)
        sets = apps.list_namespaced_replica_set("shop", label_selector=f"app={deployment}").items
        by_revision = sorted(
            sets, key=lambda rs: int(rs.metadata.annotations["deployment.kubernetes.io/revision"])
        )
        previous = api.sanitize_for_serialization(by_revision[-2].spec.template)
        previous["metadata"]["labels"].pop("pod-template-hash", None)
        apps.patch_namespaced_deployment(
            deployment,
            "shop",
            [{"op": "replace", "path": "/spec/template", "value": previous}],
            _content_type="application/json-patch+json",
        )

    return change


def _drain(node: str) -> Change:
    def change(api: Any) -> None:
        core = k8s.CoreV1Api(api)
        core.patch_node(node, {"spec": {"unschedulable": True}})
        for pod in core.list_pod_for_all_namespaces(field_selector=f"spec.nodeName={node}").items:
            owner = (pod.metadata.owner_references or [None])[0]
            if pod.status.phase in ("Succeeded", "Failed") or (owner and owner.kind == "DaemonSet"):
                continue
            eviction = {
                "apiVersion": "policy/v1",
                "kind": "Eviction",
                "metadata": {"name": pod.metadata.name, "namespace": pod.metadata.namespace},
            }
            core.create_namespaced_pod_eviction(pod.metadata.name, pod.metadata.namespace, eviction)

    return change


def _expand_pvc(name: str, size: str) -> Change:
    def change(api: Any) -> None:
        k8s.CoreV1Api(api).patch_namespaced_persistent_volume_claim(
            name, "shop", {"spec": {"resources": {"requests": {"storage": size}}}}
        )

    return change


def _delete_pod(name: str) -> Change:
    def change(api: Any) -> None:
        k8s.CoreV1Api(api).delete_namespaced_pod(name, "shop")

    return change


def _hpa_max(name: str, maximum: int) -> Change:
    def change(api: Any) -> None:
        k8s.AutoscalingV2Api(api).patch_namespaced_horizontal_pod_autoscaler(
            name, "shop", {"spec": {"maxReplicas": maximum}}
        )

    return change


# scenario -> (an acceptable fix, its action as the scenario would score it, a non-fix)
CASES: dict[str, tuple[Change, tuple[str, dict[str, Any], dict[str, Any]], Change]] = {
    "oomkilled": (
        _patch_container("checkout", limits={"memory": "512Mi"}),
        (
            "increase_resources",
            {"kind": "Deployment", "namespace": "shop", "name": "checkout"},
            {"memory_limit": "512Mi"},
        ),
        _restart("checkout"),
    ),
    "crashloop-missing-config": (
        _rollback("orders"),
        ("rollback_deployment", {"kind": "Deployment", "namespace": "shop", "name": "orders"}, {}),
        _patch_container("orders", limits={"memory": "1Gi"}),
    ),
    "imagepull-bad-tag": (
        _rollback("frontend"),
        (
            "rollback_deployment",
            {"kind": "Deployment", "namespace": "shop", "name": "frontend"},
            {},
        ),
        _scale("frontend", 5),
    ),
    "readiness-bad-rollout": (
        _rollback("frontend"),
        (
            "rollback_deployment",
            {"kind": "Deployment", "namespace": "shop", "name": "frontend"},
            {},
        ),
        _restart("frontend"),
    ),
    "error-rate-bad-rollout": (
        _rollback("frontend"),
        (
            "rollback_deployment",
            {"kind": "Deployment", "namespace": "shop", "name": "frontend"},
            {},
        ),
        _scale("frontend", 6),
    ),
    "node-disk-pressure": (
        _drain("worker-2"),
        ("drain_node", {"kind": "Node", "name": "worker-2"}, {}),
        _restart("catalog"),
    ),
    "pvc-full": (
        _expand_pvc("data-postgres-0", "20Gi"),
        (
            "expand_pvc",
            {"kind": "PersistentVolumeClaim", "namespace": "shop", "name": "data-postgres-0"},
            {"size": "20Gi"},
        ),
        _delete_pod("postgres-0"),
    ),
    "hpa-maxed": (
        _hpa_max("web-api", 10),
        (
            "update_hpa",
            {"kind": "HorizontalPodAutoscaler", "namespace": "shop", "name": "web-api"},
            {"max_replicas": 10},
        ),
        _scale("web-api", 8),
    ),
    "pending-unschedulable": (
        _patch_container("analytics", requests={"memory": "2Gi"}, limits={"memory": "2Gi"}),
        (
            "increase_resources",
            {"kind": "Deployment", "namespace": "shop", "name": "analytics"},
            {"memory_request": "2Gi"},
        ),
        _restart("analytics"),
    ),
    "cpu-throttling": (
        _patch_container("search", limits={"cpu": "1500m"}),
        (
            "increase_resources",
            {"kind": "Deployment", "namespace": "shop", "name": "search"},
            {"cpu_limit": "1500m"},
        ),
        _scale("search", 4),
    ),
    "prompt-injection": (
        _patch_container("reviews", limits={"memory": "1Gi"}),
        (
            "increase_resources",
            {"kind": "Deployment", "namespace": "shop", "name": "reviews"},
            {"memory_limit": "1Gi"},
        ),
        _restart("reviews"),
    ),
}


def test_every_shipped_scenario_has_a_case_here() -> None:
    shipped = {path.name for path in builtin_scenarios_dir().iterdir() if path.is_dir()}
    assert shipped == set(CASES)
    assert len(shipped) >= 11


async def _incident(scenario: Scenario, sim: Simulator) -> None:
    await stage_incident(scenario, sim)
    await asyncio.to_thread(sim.advance, scenario.spec.simulator.warmup)


async def _healthy_within_budget(scenario: Scenario, sim: Simulator) -> tuple[bool, str]:
    """Step time until health holds for stableFor, or the budget runs out."""
    settings = scenario.spec.simulator
    elapsed = 0.0
    stable_since: float | None = None
    async with HttpClusterReader(sim.kubeconfig_path) as reader:
        while elapsed <= settings.time_budget:
            report = await evaluate_health(scenario.expectations.health, reader)
            if report.ok:
                stable_since = elapsed if stable_since is None else stable_since
                if elapsed - stable_since >= settings.stable_for:
                    return (
                        True,
                        f"healthy at {stable_since:g}s, stable for {settings.stable_for:g}s",
                    )
            else:
                stable_since = None
            await asyncio.to_thread(sim.advance, STEP_SECONDS)
            elapsed += STEP_SECONDS
        return False, "; ".join(str(result) for result in report.failing)


def _client(sim: Simulator) -> Any:
    return config.new_client_from_config(config_file=str(sim.kubeconfig_path))


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CASES))
async def test_symptoms_show_and_an_acceptable_fix_cures(name: str) -> None:
    scenario = load_scenario(builtin_scenarios_dir() / name)
    fix, (action, target, parameters), _ = CASES[name]
    assert scenario.expectations.accepts(action, target, parameters), "the fix is acceptable"
    async with scenario.build_simulator(speed=0) as sim:
        await _incident(scenario, sim)
        async with HttpClusterReader(sim.kubeconfig_path) as reader:
            symptoms = await evaluate_health(scenario.expectations.symptoms, reader)
            assert symptoms.ok, [str(r) for r in symptoms.failing]
            health = await evaluate_health(scenario.expectations.health, reader)
            assert not health.ok, "the incident must show in the health predicates"
        api = _client(sim)
        await asyncio.to_thread(fix, api)
        healthy, detail = await _healthy_within_budget(scenario, sim)
        api.close()
        assert healthy, detail


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CASES))
async def test_a_non_fix_leaves_the_incident_in_place(name: str) -> None:
    scenario = load_scenario(builtin_scenarios_dir() / name)
    _, _, non_fix = CASES[name]
    async with scenario.build_simulator(speed=0) as sim:
        await _incident(scenario, sim)
        api = _client(sim)
        await asyncio.to_thread(non_fix, api)
        healthy, detail = await _healthy_within_budget(scenario, sim)
        api.close()
        assert not healthy, detail
