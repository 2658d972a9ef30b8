"""rollback_deployment: back to the previous revision's template (the imagepull-bad-tag
incident cured), undone by its rollback writes, and refusals when there is nowhere to go."""

from __future__ import annotations

import pytest
from action_support import (
    deployment,
    eventually,
    healthy_within_budget,
    incident,
    namespace,
    plan,
    rolled_out,
    send_all,
)

from kubernaut.core.resources import ResourceRef
from kubernaut.kube import KubeClient
from kubernaut.sim.server import Simulator
from kubernaut.tools.catalog_types import ActionParameterError, ActionUnavailable

FRONTEND = ResourceRef(kind="Deployment", namespace="shop", name="frontend")
WEB = ResourceRef(kind="Deployment", namespace="shop", name="web")


async def _image(kube: KubeClient, name: str) -> str:
    found = await kube.get("apps/v1", "Deployment", "shop", name)
    assert found is not None
    return str(found["spec"]["template"]["spec"]["containers"][0]["image"])


async def test_rolling_back_a_bad_tag_restores_the_previous_image() -> None:
    async with (
        incident("imagepull-bad-tag") as (scenario, sim),
        KubeClient(sim.kubeconfig_path) as kube,
    ):
        bad = await _image(kube, "frontend")
        sim.request_log.clear()

        planned = await plan(kube, "rollback_deployment", FRONTEND)

        assert sim.request_log.writes(include_dry_run=True) == []
        assert planned.parameters == {"to_revision": 1}, "the previous revision, resolved"
        assert bad in planned.summary
        await send_all(kube, planned.writes)
        assert await _image(kube, "frontend") != bad
        healthy, detail = await healthy_within_budget(scenario, sim)
        assert healthy, detail

        await send_all(kube, planned.rollback)
        assert await _image(kube, "frontend") == bad


async def _two_revisions(sim: Simulator, kube: KubeClient) -> None:
    sim.apply([namespace(), deployment("web", replicas=1)])
    await eventually(lambda: rolled_out(kube, "web"))
    patch = {
        "spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.26"}]}}}
    }
    await kube.patch("apps/v1", "Deployment", "shop", "web", patch, patch_type="strategic")
    await eventually(lambda: rolled_out(kube, "web"))


async def test_an_explicit_revision(sim: Simulator, kube: KubeClient) -> None:
    await _two_revisions(sim, kube)

    planned = await plan(kube, "rollback_deployment", WEB, to_revision=1)
    await send_all(kube, planned.writes)

    assert await _image(kube, "web") == "nginx:1.25"
    await eventually(lambda: rolled_out(kube, "web"))
    labels = (await kube.get("apps/v1", "Deployment", "shop", "web") or {})["spec"]["template"][
        "metadata"
    ]["labels"]
    assert labels == {"app": "web"}, "the ReplicaSet's pod-template-hash label is not copied"


async def test_a_revision_that_is_not_kept_is_refused(sim: Simulator, kube: KubeClient) -> None:
    await _two_revisions(sim, kube)
    with pytest.raises(
        ActionParameterError, match=r"to_revision: .* no revision 7 \(revisions kept: 1, 2\)"
    ):
        await plan(kube, "rollback_deployment", WEB, to_revision=7)
    with pytest.raises(ActionUnavailable, match=r"already at revision 2"):
        await plan(kube, "rollback_deployment", WEB, to_revision=2)


async def test_no_earlier_revision_is_refused(sim: Simulator, kube: KubeClient) -> None:
    sim.apply([namespace(), deployment("web", replicas=1)])
    await eventually(lambda: rolled_out(kube, "web"))
    with pytest.raises(ActionUnavailable, match=r"no revision before its current one"):
        await plan(kube, "rollback_deployment", WEB)
