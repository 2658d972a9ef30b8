"""The Job-template actions: a clear refusal without a template, and with one a Job
named after the step, labelled and told what to act on, created once."""

from __future__ import annotations

import copy

import pytest
from action_support import STEP_KEY, context, deployment, eventually, namespace, pods, send_all

from kubernaut.core.resources import ResourceRef
from kubernaut.kube import KubeApiError, KubeClient
from kubernaut.sim.server import Simulator
from kubernaut.tools.catalog import CATALOG, plan_action
from kubernaut.tools.catalog_types import ActionUnavailable

DB = ResourceRef(kind="StatefulSet", namespace="shop", name="db")
BACKUP_JOB = {
    "apiVersion": "batch/v1",
    "kind": "Job",
    "metadata": {"name": "ignored", "labels": {"team": "data"}},
    "spec": {
        "backoffLimit": 0,
        "template": {
            "metadata": {"annotations": {"sim.kubernaut.io/run-seconds": "2"}},
            "spec": {
                "restartPolicy": "Never",
                "containers": [
                    {
                        "name": "backup",
                        "image": "ghcr.io/example/db-backup:1.0",
                        "env": [{"name": "KUBERNAUT_ACTION", "value": "overridden"}],
                    }
                ],
            },
        },
    },
}
JOB_ACTIONS = sorted(name for name, spec in CATALOG.items() if spec.needs_job_template)


@pytest.fixture
def database(sim: Simulator) -> None:
    sim.apply([namespace(), deployment("db", replicas=1, kind="StatefulSet")])


def test_the_job_template_actions() -> None:
    assert JOB_ACTIONS == [
        "audit_logs",
        "backup_data",
        "cleanup_storage",
        "compact_storage",
        "create_heap_dump",
        "failover_database",
        "repair_database",
        "rotate_secrets",
    ]


@pytest.mark.usefixtures("database")
@pytest.mark.parametrize("action", JOB_ACTIONS)
async def test_without_a_template_the_action_says_how_to_configure_one(
    kube: KubeClient, action: str
) -> None:
    with pytest.raises(ActionUnavailable) as refused:
        await plan_action(context(kube), action, DB, {})
    assert str(refused.value) == (
        f"{action} runs a Job that knows your application and none is configured: add a "
        f"batch/v1 Job manifest under actions.jobTemplates.{action} in the policy file "
        "(see docs/actions.md)"
    )


@pytest.mark.usefixtures("database")
async def test_the_job_is_created_once_with_labels_and_environment(
    sim: Simulator, kube: KubeClient
) -> None:
    ctx = context(kube, job_templates={"backup_data": copy.deepcopy(BACKUP_JOB)})
    sim.request_log.clear()

    planned = await plan_action(ctx, "backup_data", DB, {"reason": "before the migration"})

    assert sim.request_log.writes(include_dry_run=True) == []
    name = f"kubernaut-backup-data-{STEP_KEY}"
    assert [w.describe() for w in planned.writes] == [f"create Job shop/{name}"]
    await send_all(kube, planned.writes, dry_run=True)
    assert await kube.get("batch/v1", "Job", "shop", name) is None
    await send_all(kube, planned.writes)

    job = await kube.get("batch/v1", "Job", "shop", name)
    assert job is not None
    labels = {"kubernaut.io/action": "backup_data", "kubernaut.io/step-key": STEP_KEY}
    assert job["metadata"]["labels"] == {"team": "data", **labels}
    env = {e["name"]: e["value"] for e in job["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env == {
        "KUBERNAUT_ACTION": "backup_data",
        "KUBERNAUT_STEP_KEY": STEP_KEY,
        "KUBERNAUT_TARGET_KIND": "StatefulSet",
        "KUBERNAUT_TARGET_NAMESPACE": "shop",
        "KUBERNAUT_TARGET_NAME": "db",
        "KUBERNAUT_PARAM_REASON": "before the migration",
    }

    async def ran() -> bool:
        found = await pods(kube, f"kubernaut.io/step-key={STEP_KEY}")
        return any(p["status"].get("phase") == "Succeeded" for p in found)

    await eventually(ran)
    with pytest.raises(KubeApiError) as again:
        await send_all(kube, planned.writes)
    assert again.value.status == 409, "a second execution of the step runs nothing"


@pytest.mark.usefixtures("database")
async def test_a_heap_dump_of_a_pod_names_the_pod_and_its_container(kube: KubeClient) -> None:
    await eventually(lambda: pods(kube, "app=db"))
    template = copy.deepcopy(BACKUP_JOB)
    template["metadata"]["namespace"] = "ops"
    ctx = context(kube, job_templates={"create_heap_dump": template})
    target = ResourceRef(kind="Pod", namespace="shop", name="db-0")

    planned = await plan_action(ctx, "create_heap_dump", target, {})

    assert planned.parameters == {"reason": "", "pod": "db-0", "container": "db"}
    assert planned.writes[0].namespace == "ops", "the template's namespace wins"


@pytest.mark.usefixtures("database")
async def test_a_template_that_is_not_a_job_is_refused(kube: KubeClient) -> None:
    ctx = context(kube, job_templates={"backup_data": {"apiVersion": "v1", "kind": "Pod"}})
    with pytest.raises(ActionUnavailable, match=r"jobTemplates.backup_data .*not a batch/v1 Job"):
        await plan_action(ctx, "backup_data", DB, {})
