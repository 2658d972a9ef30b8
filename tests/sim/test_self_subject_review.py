"""SelfSubjectReview: the simulator tells a client who it is, impersonation included."""

from __future__ import annotations

from kubernaut.kube import KubeClient
from kubernaut.sim.server import ADMIN_USER, Simulator


async def test_whoami_names_the_token_user_or_the_impersonated_one(sim: Simulator) -> None:
    async with KubeClient(sim.kubeconfig_path) as admin:
        assert await admin.whoami() == ADMIN_USER
    async with KubeClient(sim.kubeconfig_path, impersonate="alice@example.com") as alice:
        assert await alice.whoami() == "alice@example.com"
