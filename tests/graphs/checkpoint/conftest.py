"""The checkpointer on the simulator (CRDs installed, a namespace for the holders) and
the session's embedded PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from checkpoint_support import NAMESPACE, create_namespace, embedded

from kubernaut.crds.install import apply_crds
from kubernaut.kube import KubeClient
from kubernaut.sim.server import Simulator
from kubernaut.store import BlobStore, Database


@pytest.fixture
async def kube(sim: Simulator) -> AsyncIterator[KubeClient]:
    async with KubeClient(sim.kubeconfig_path) as client:
        await apply_crds(client)
        await create_namespace(client, NAMESPACE)
        yield client


@pytest.fixture
async def database(kubernaut_data_dir: Path) -> AsyncIterator[Database]:
    async with Database(embedded(kubernaut_data_dir)) as opened:
        yield opened


@pytest.fixture
def blobs(database: Database) -> BlobStore:
    return BlobStore(database)
