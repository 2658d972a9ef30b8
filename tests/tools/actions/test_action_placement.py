"""migrate_workload: a required node affinity that excludes the node, merged with the
affinity the template has, rolled out, and undone by the rollback writes.

The simulator's scheduler places pods by nodeSelector and taints but not by node
affinity, so these tests check what the API shows: the template and the new pods carry
the exclusion, and a rollout replaced the pods.
"""

from __future__ import annotations

import copy

import pytest
from action_support import deployment, eventually, namespace, plan, pods, rolled_out, send_all

from kubernaut.core.resources import ResourceRef
from kubernaut.kube import KubeClient
from kubernaut.sim.server import Simulator
from kubernaut.tools.catalog_types import ActionParameterError

WEB = ResourceRef(kind="Deployment", namespace="shop", name="web")
AVOID_NODE_2 = {"key": "kubernetes.io/hostname", "operator": "NotIn", "values": ["node-2"]}
ZONE_TERMS = [
    {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]},
    {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["b"]}]},
]


async def _template_spec(kube: KubeClient) -> dict[str, object]:
    found = await kube.get("apps/v1", "Deployment", "shop", "web")
    assert found is not None
    spec: dict[str, object] = found["spec"]["template"]["spec"]
    return spec


def _terms(spec: dict[str, object]) -> object:
    affinity = spec["affinity"]
    assert isinstance(affinity, dict)
    return affinity["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][
        "nodeSelectorTerms"
    ]


async def test_migrate_excludes_the_node_from_a_new_rollout_and_rolls_back(
    sim: Simulator, kube: KubeClient
) -> None:
    sim.apply([namespace(), deployment("web", replicas=2)])
    await eventually(lambda: rolled_out(kube, "web"))
    before = {p["metadata"]["name"] for p in await pods(kube, "app=web")}
    original = await _template_spec(kube)

    planned = await plan(kube, "migrate_workload", WEB, avoid_node="node-2")
    await send_all(kube, planned.writes)

    assert _terms(await _template_spec(kube)) == [{"matchExpressions": [AVOID_NODE_2]}]
    await eventually(lambda: rolled_out(kube, "web"))
    replaced = await pods(kube, "app=web")
    assert before.isdisjoint(p["metadata"]["name"] for p in replaced)
    assert all(_terms(p["spec"]) == [{"matchExpressions": [AVOID_NODE_2]}] for p in replaced)

    await send_all(kube, planned.rollback)
    assert await _template_spec(kube) == original


async def test_existing_terms_each_also_exclude_the_node(sim: Simulator, kube: KubeClient) -> None:
    affinity = {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": ZONE_TERMS}
        }
    }
    web = deployment("web", replicas=1)
    web["spec"]["template"]["spec"]["affinity"] = affinity
    sim.apply([namespace(), web])

    planned = await plan(kube, "migrate_workload", WEB, avoid_node="node-2")
    await send_all(kube, planned.writes)

    expected = copy.deepcopy(ZONE_TERMS)
    for term in expected:
        term["matchExpressions"].append(AVOID_NODE_2)
    assert _terms(await _template_spec(kube)) == expected
    await send_all(kube, planned.rollback)
    assert _terms(await _template_spec(kube)) == ZONE_TERMS


async def test_an_unknown_node_is_refused(sim: Simulator, kube: KubeClient) -> None:
    sim.apply([namespace(), deployment("web", replicas=1)])
    with pytest.raises(ActionParameterError, match=r"avoid_node: there is no Node named 'node-9'"):
        await plan(kube, "migrate_workload", WEB, avoid_node="node-9")
