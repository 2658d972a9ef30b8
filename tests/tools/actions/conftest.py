"""Fixtures of the action tests: an async client of the test's simulator."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from kubernaut.kube import KubeClient
from kubernaut.sim.server import Simulator


@pytest.fixture
async def kube(sim: Simulator) -> AsyncIterator[KubeClient]:
    async with KubeClient(sim.kubeconfig_path) as client:
        yield client
