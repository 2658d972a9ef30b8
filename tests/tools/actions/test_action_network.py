"""update_network_policy: a spec fragment merged in, the old spec put back by the
rollback writes, and fragments that are not a NetworkPolicy spec refused."""

from __future__ import annotations

import pytest
from action_support import namespace, plan, send_all

from kubernaut.core.resources import ResourceRef
from kubernaut.kube import KubeClient
from kubernaut.sim.server import Simulator
from kubernaut.tools.catalog_types import ActionParameterError

POLICY = ResourceRef(kind="NetworkPolicy", namespace="shop", name="web")
ORIGINAL_SPEC = {
    "podSelector": {"matchLabels": {"app": "web"}},
    "policyTypes": ["Ingress"],
    "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "frontend"}}}]}],
}


async def _spec(kube: KubeClient) -> object:
    found = await kube.get("networking.k8s.io/v1", "NetworkPolicy", "shop", "web")
    assert found is not None
    return found["spec"]


@pytest.fixture
def policy(sim: Simulator) -> None:
    manifest = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": ORIGINAL_SPEC,
    }
    sim.apply([namespace(), manifest])


@pytest.mark.usefixtures("policy")
async def test_a_fragment_is_merged_in_and_rolled_back(kube: KubeClient) -> None:
    allowed = [{"from": [{"namespaceSelector": {}}]}]
    planned = await plan(
        kube, "update_network_policy", POLICY, spec={"ingress": allowed, "podSelector": {}}
    )
    assert planned.summary == "NetworkPolicy shop/web: spec fields ingress, podSelector changed"

    await send_all(kube, planned.writes, dry_run=True)
    assert await _spec(kube) == ORIGINAL_SPEC
    await send_all(kube, planned.writes)
    changed = await _spec(kube)
    assert isinstance(changed, dict)
    assert changed["ingress"] == allowed
    assert changed["policyTypes"] == ["Ingress"]
    assert changed["podSelector"] == {"matchLabels": {"app": "web"}}, "an empty map merges"

    await send_all(kube, planned.rollback)
    assert await _spec(kube) == ORIGINAL_SPEC


@pytest.mark.usefixtures("policy")
async def test_fragments_that_are_not_a_policy_spec_are_refused(kube: KubeClient) -> None:
    with pytest.raises(ActionParameterError, match=r"spec: ingres not a NetworkPolicy spec field"):
        await plan(kube, "update_network_policy", POLICY, spec={"ingres": []})
    with pytest.raises(ActionParameterError, match=r"spec: the fragment is empty"):
        await plan(kube, "update_network_policy", POLICY, spec={})
