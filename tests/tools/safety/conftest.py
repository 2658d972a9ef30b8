"""Fixtures for the safety tests: a small cluster on the simulator, a client, and a
validator factory with an injectable policy, history and clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from safety_support import FakeClock, MakeValidator, start_cluster

from kubernaut.kube import KubeClient
from kubernaut.sim.server import Simulator
from kubernaut.tools.safety import InMemoryHistory, SafetyPolicy, SafetyValidator


@pytest.fixture
async def cluster(sim: Simulator) -> Simulator:
    await start_cluster(sim)
    return sim


@pytest.fixture
async def kube(cluster: Simulator) -> AsyncIterator[KubeClient]:
    async with KubeClient(cluster.kubeconfig_path) as client:
        yield client


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def history() -> InMemoryHistory:
    return InMemoryHistory()


@pytest.fixture
def make_validator(kube: KubeClient, history: InMemoryHistory, clock: FakeClock) -> MakeValidator:
    """A validator for the test's cluster; ``policy`` takes the policy file's sections."""

    def make(**policy: Any) -> SafetyValidator:
        return SafetyValidator(kube, SafetyPolicy.model_validate(policy), history, clock=clock)

    return make
