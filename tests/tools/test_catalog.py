"""The catalog as a whole: the names scenarios use, every action planned against one
small cluster without writing (its writes accepted by the API server's dry run, sent as
the executor's identity with exactly the rights deploy/executor-rbac.yaml grants),
refusals that say what was wrong, and the documentation's table in step with it."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from kubernaut.core.resources import ResourceRef
from kubernaut.kube import KubeClient
from kubernaut.sim.scenario.catalog import ACTION_CATALOG
from kubernaut.sim.server import Simulator
from kubernaut.tools.apply import send_write
from kubernaut.tools.catalog import CATALOG, catalog_for_prompt, get_action, plan_action
from kubernaut.tools.catalog_types import (
    ActionContext,
    ActionParameterError,
    ActionUnavailable,
    UnknownAction,
)

DOC = Path(__file__).parents[2] / "docs" / "actions.md"
EXECUTOR_RBAC = Path(__file__).parents[2] / "deploy" / "executor-rbac.yaml"
EXECUTOR = "system:serviceaccount:kubernaut-system:kubernaut-executor"
STEP_KEY = "k0fedcba987654321"
JOB = {
    "apiVersion": "batch/v1",
    "kind": "Job",
    "metadata": {},
    "spec": {
        "template": {
            "spec": {
                "restartPolicy": "Never",
                "containers": [{"name": "run", "image": "ghcr.io/example/ops:1"}],
            }
        }
    },
}


def _workload(kind: str, name: str, **spec: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "selector": {"matchLabels": {"app": name}},
        "template": {
            "metadata": {"labels": {"app": name}},
            "spec": {"containers": [{"name": name, "image": "nginx:1.25"}]},
        },
        **spec,
    }
    return {
        "apiVersion": "apps/v1",
        "kind": kind,
        "metadata": {"name": name, "namespace": "shop"},
        "spec": body,
    }


NODES = [
    {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name}},
    }
    for name in ("node-1", "node-2", "node-3")
]
CLUSTER = [
    {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}},
    _workload("Deployment", "web", replicas=2),
    _workload("StatefulSet", "db", replicas=1, serviceName="db"),
    _workload("DaemonSet", "agent"),
    {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "minReplicas": 2,
            "maxReplicas": 4,
        },
    },
    {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"podSelector": {"matchLabels": {"app": "web"}}, "policyTypes": ["Ingress"]},
    },
    {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data", "namespace": "shop"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
    },
]


def _ref(kind: str, name: str) -> ResourceRef:
    return ResourceRef(kind=kind, namespace="" if kind == "Node" else "shop", name=name)


WEB = _ref("Deployment", "web")
DB = _ref("StatefulSet", "db")
AGENT = _ref("DaemonSet", "agent")
DB_0 = _ref("Pod", "db-0")
WEB_POD = _ref("Pod", "<a web pod>")

EXAMPLES: dict[str, tuple[ResourceRef, dict[str, Any]]] = {
    "scale_deployment": (WEB, {"replicas": 3}),
    "increase_resources": (WEB, {"memory_limit": "512Mi", "cpu_request": "250m"}),
    "update_hpa": (_ref("HorizontalPodAutoscaler", "web"), {"max_replicas": 6}),
    "scale_statefulset": (DB, {"replicas": 2}),
    "restart_pod": (DB_0, {"grace_period_seconds": 5}),
    "rollback_deployment": (WEB, {}),
    "quarantine_pod": (WEB_POD, {}),
    "migrate_workload": (WEB, {"avoid_node": "node-1"}),
    "drain_node": (_ref("Node", "node-1"), {}),
    "cordon_node": (_ref("Node", "node-2"), {}),
    "restart_daemonset": (AGENT, {}),
    "expand_pvc": (_ref("PersistentVolumeClaim", "data"), {"size": "2Gi"}),
    "cleanup_storage": (DB, {"older_than_days": 7}),
    "backup_data": (DB, {"reason": "before the upgrade"}),
    "compact_storage": (DB, {}),
    "update_network_policy": (_ref("NetworkPolicy", "web"), {"spec": {"ingress": [{}]}}),
    "restart_network": (AGENT, {}),
    "reset_service_mesh": (WEB, {}),
    "failover_database": (DB, {"to_replica": "db-1"}),
    "repair_database": (DB, {}),
    "rotate_secrets": (DB, {"secret": "db-credentials"}),
    "audit_logs": (DB, {"since_minutes": 30}),
    "collect_diagnostics": (WEB, {}),
    "enable_debug_mode": (WEB, {}),
    "create_heap_dump": (DB_0, {}),
    "notify_only": (WEB, {"message": "looked at it; nothing to do"}),
    "restart_deployment": (WEB, {}),
    "uncordon_node": (_ref("Node", "node-2"), {}),
    "delete_pod": (DB_0, {}),
}


def test_the_catalog_is_the_one_scenarios_refer_to() -> None:
    assert set(CATALOG) == set(ACTION_CATALOG)
    assert set(EXAMPLES) == set(CATALOG)


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_every_action_is_fully_described(name: str) -> None:
    spec = CATALOG[name]
    assert spec.name == name
    assert spec.description.endswith(".")
    assert spec.target_kinds
    assert issubclass(spec.parameters, BaseModel)
    assert spec.parameters.model_config.get("extra") == "forbid"
    assert get_action(name) is spec


def test_an_unknown_action_suggests_the_closest() -> None:
    with pytest.raises(
        UnknownAction, match=r"'scale_deploy' is not .*did you mean 'scale_deployment'"
    ):
        get_action("scale_deploy")
    with pytest.raises(UnknownAction, match=r"^'delete_namespace' is not an action of the catalog"):
        get_action("delete_namespace")


async def _settled(sim: Simulator) -> str:
    """Wait for the workloads, give web a second revision, and name one of its pods."""
    async with KubeClient(sim.kubeconfig_path) as kube:
        return await _second_revision_rolled_out(kube)


async def _second_revision_rolled_out(kube: KubeClient) -> str:
    patch = {
        "spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.26"}]}}}
    }
    await kube.patch("apps/v1", "Deployment", "shop", "web", patch, patch_type="strategic")
    for _ in range(400):
        web = [
            p
            for p in await kube.list("v1", "Pod", "shop", "app=web")
            if p["status"].get("phase") == "Running"
            and not p["metadata"].get("deletionTimestamp")
            and p["spec"]["containers"][0]["image"] == "nginx:1.26"
        ]
        db = await kube.get("v1", "Pod", "shop", "db-0")
        claim = await kube.get("v1", "PersistentVolumeClaim", "shop", "data")
        if len(web) == 2 and db and claim and claim.get("status", {}).get("phase") == "Bound":
            return str(web[0]["metadata"]["name"])
        await asyncio.sleep(0.05)
    raise AssertionError("the test cluster did not settle")


def _executor_rules(cluster: Any) -> None:
    """The executor may do what deploy/executor-rbac.yaml's ClusterRole grants, and
    nothing else."""
    role = next(
        doc for doc in yaml.safe_load_all(EXECUTOR_RBAC.read_text()) if doc["kind"] == "ClusterRole"
    )
    for rule in role["rules"]:
        for group in rule["apiGroups"]:
            for resource in rule["resources"]:
                for verb in rule["verbs"]:
                    cluster.access.allow(verb, resource, group=group, user=EXECUTOR)
    cluster.access.deny(user=EXECUTOR)


@pytest.fixture(scope="module")
def shared_cluster() -> Iterator[tuple[Simulator, str]]:
    """One cluster for the whole module: its tests only read and dry-run. The executor's
    identity is held to its RBAC manifest."""
    with Simulator(speed=50, manifests=[*NODES, *CLUSTER]) as sim:
        sim.call(_executor_rules)
        yield sim, asyncio.run(_settled(sim))


@pytest.fixture
async def cluster(
    shared_cluster: tuple[Simulator, str],
) -> AsyncIterator[tuple[ActionContext, Simulator, str]]:
    sim, web_pod = shared_cluster
    templates = {name: JOB for name, spec in CATALOG.items() if spec.needs_job_template}
    async with KubeClient(sim.kubeconfig_path) as kube:
        yield ActionContext(client=kube, job_templates=templates, step_key=STEP_KEY), sim, web_pod


@pytest.mark.parametrize("action", sorted(EXAMPLES))
async def test_every_action_plans_without_writing_and_its_writes_pass_a_dry_run(
    cluster: tuple[ActionContext, Simulator, str], action: str
) -> None:
    ctx, sim, web_pod = cluster
    target, parameters = EXAMPLES[action]
    if target is WEB_POD:
        target = _ref("Pod", web_pod)
    sim.request_log.clear()

    plan = await plan_action(ctx, action, target, parameters)

    assert sim.request_log.writes(include_dry_run=True) == []
    assert plan.action == action and plan.target == target
    assert plan.writes and plan.summary
    assert CATALOG[action].reversible == bool(plan.rollback) or action == "drain_node"
    assert get_action(action).parameters.model_validate(plan.parameters)
    async with KubeClient(sim.kubeconfig_path, impersonate=EXECUTOR) as executor:
        for write in plan.writes:
            await send_write(executor, write, dry_run=True)
    assert sim.request_log.writes() == [], "dry runs only"


@pytest.mark.parametrize("action", sorted(EXAMPLES))
async def test_a_missing_target_is_refused(
    cluster: tuple[ActionContext, Simulator, str], action: str
) -> None:
    ctx, _, _ = cluster
    target, parameters = EXAMPLES[action]
    missing = target.model_copy(update={"name": "missing"})
    with pytest.raises(ActionUnavailable, match=f"^{missing.kind} .*missing does not exist$"):
        await plan_action(ctx, action, missing, parameters)


async def test_parameter_errors_name_each_field(
    cluster: tuple[ActionContext, Simulator, str],
) -> None:
    ctx, _, _ = cluster
    with pytest.raises(ActionParameterError) as wrong:
        await plan_action(ctx, "scale_deployment", WEB, {"replicas": -1, "replica": 2})
    assert str(wrong.value) == (
        "scale_deployment: replicas: Input should be greater than or equal to 0 (got -1); "
        "replica: not a parameter of scale_deployment (parameters: replicas)"
    )
    with pytest.raises(
        ActionParameterError, match=r"memory_limit: '12XB' is not a Kubernetes quantity"
    ):
        await plan_action(ctx, "increase_resources", WEB, {"memory_limit": "12XB"})
    with pytest.raises(
        ActionParameterError, match=r"^increase_resources: give at least one of memory_limit"
    ):
        await plan_action(ctx, "increase_resources", WEB, {})
    with pytest.raises(ActionParameterError, match=r"^expand_pvc: size: required$"):
        await plan_action(ctx, "expand_pvc", _ref("PersistentVolumeClaim", "data"), {})


async def test_targets_of_the_wrong_kind_or_scope(
    cluster: tuple[ActionContext, Simulator, str],
) -> None:
    ctx, _, _ = cluster
    with pytest.raises(
        ActionUnavailable, match=r"^scale_deployment acts on Deployment, not on StatefulSet$"
    ):
        await plan_action(ctx, "scale_deployment", DB, {"replicas": 1})
    with pytest.raises(ActionUnavailable, match=r"^Deployment web needs a namespace$"):
        await plan_action(ctx, "restart_deployment", ResourceRef(kind="Deployment", name="web"), {})
    plan = await plan_action(
        ctx, "scale_deployment", WEB.model_copy(update={"kind": "deployment"}), {"replicas": 2}
    )
    assert plan.target == WEB
    node = await plan_action(
        ctx, "cordon_node", ResourceRef(kind="Node", namespace="shop", name="node-3"), {}
    )
    assert node.target == ResourceRef(kind="Node", name="node-3")


def test_the_prompt_listing_names_every_action_and_parameter() -> None:
    text = catalog_for_prompt()
    for name, spec in CATALOG.items():
        assert re.search(rf"^{name} \(targets: ", text, re.M), name
        for field in spec.parameters.model_fields:
            assert f"  - {field} (" in text
    assert "replicas (integer >= 0; required): How many replicas to run." in text
    assert "notify_only (targets: any kind; risk: low; not reversible)" in text


def _doc_table() -> dict[str, list[str]]:
    rows = {}
    for line in DOC.read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[0].startswith("`") and cells[0].endswith("`"):
            rows[cells[0].strip("`")] = cells[1:]
    return rows


def test_the_documented_table_matches_the_catalog() -> None:
    rows = _doc_table()
    assert list(rows) == list(CATALOG), "one row per action, in catalog order"
    for name, spec in CATALOG.items():
        kinds = "any" if "*" in spec.target_kinds else ", ".join(spec.target_kinds)
        expected = [
            kinds,
            spec.risk.value,
            "yes" if spec.reversible else "no",
            "yes" if spec.needs_job_template else "no",
        ]
        assert rows[name] == expected, name
