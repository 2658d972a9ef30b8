"""Staging a scenario's incident once its starting cluster has settled."""

from __future__ import annotations

from pathlib import Path

import pytest
from scenario_helpers import WEB_OOM, copy_example, eventually

from kubernaut.sim.scenario import HttpClusterReader, load_scenario
from kubernaut.sim.scenario.predicates import DeploymentReady
from kubernaut.sim.scenario.staging import settled_predicates, stage_incident

HEALTHY_WEB = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: %s
          ports: [{containerPort: 8080, name: http}]
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {cpu: 500m, memory: 512Mi}
"""


def test_settled_means_every_workload_of_the_starting_cluster_is_ready() -> None:
    predicates = settled_predicates(load_scenario(WEB_OOM).manifests)
    assert predicates == [DeploymentReady.model_validate({"namespace": "shop", "name": "web"})]


async def test_a_bad_rollout_is_applied_after_the_good_one_has_rolled_out(tmp_path: Path) -> None:
    directory = copy_example(tmp_path)
    (directory / "manifests" / "10-web.yaml").unlink()
    (directory / "manifests" / "10-web.yaml").write_text(
        HEALTHY_WEB
        % "ghcr.io/example/web:1.4.2"
        + "---\napiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\n"
        "spec: {selector: {app: web}, ports: [{port: 80, targetPort: http}]}\n"
    )
    (directory / "incident").mkdir()
    (directory / "incident" / "10-web-2.0.yaml").write_text(
        HEALTHY_WEB % "ghcr.io/example/web:2.0.0-broken"
    )
    scenario = load_scenario(directory)

    async with scenario.build_simulator(speed=50) as sim:
        settled = await stage_incident(scenario, sim)
        assert settled is not None and settled.ok
        async with HttpClusterReader(sim.kubeconfig_path) as reader:
            stuck = await eventually(scenario.expectations.health[0], reader, ok=False)
    assert "old replica set web-" in stuck.detail
    assert "ImagePullBackOff" in stuck.detail or "ErrImagePull" in stuck.detail


async def test_no_incident_means_nothing_to_stage() -> None:
    scenario = load_scenario(WEB_OOM)
    async with scenario.build_simulator(speed=50) as sim:
        assert await stage_incident(scenario, sim) is None


async def test_a_starting_cluster_that_never_settles_is_reported(tmp_path: Path) -> None:
    directory = copy_example(tmp_path)
    (directory / "manifests" / "20-batch.yaml").write_text(
        (HEALTHY_WEB % "ghcr.io/example/batch:1.0").replace("web", "batch")
        + "      nodeSelector: {disk: none-has-this}\n"
    )
    (directory / "incident").mkdir()
    (directory / "incident" / "flags.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: flags, namespace: shop}\n"
    )
    scenario = load_scenario(directory)
    async with scenario.build_simulator(speed=50) as sim:
        with pytest.raises(TimeoutError) as caught:
            await stage_incident(scenario, sim, settle_seconds=1)
    assert str(caught.value).startswith(
        "scenario web-oom: the starting cluster did not settle within 1 s, so the incident was "
        "not applied: "
    )
    assert "deployment shop/batch: 0/2 ready, 2 pods in Unschedulable" in str(caught.value)
