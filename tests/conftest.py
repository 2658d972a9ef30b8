"""Shared fixtures: a running simulator, kubectl against it, the official client, the
embedded PostgreSQL's data directory, and an empty database on it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from kubernaut.sim.server import Simulator
from kubernaut.store.embedded import embedded_server_url
from support import NODES, Kubectl, embedded_data_dir, find_kubectl, run_sql, with_database


@pytest.fixture
def sim() -> Iterator[Simulator]:
    """A fresh simulator with three empty nodes, running 50x faster than real time."""
    with Simulator(speed=50, manifests=[dict(node) for node in NODES]) as simulator:
        yield simulator


@pytest.fixture
def kubectl(sim: Simulator, tmp_path: Path) -> Kubectl:
    return Kubectl(find_kubectl(), sim.kubeconfig_path, tmp_path / "kubectl-cache")


@pytest.fixture
def client(sim: Simulator) -> Iterator[Any]:
    """An ``ApiClient`` of the official kubernetes library, configured from the kubeconfig."""
    from kubernetes import config

    api_client = config.new_client_from_config(config_file=str(sim.kubeconfig_path))
    try:
        yield api_client
    finally:
        api_client.close()


@pytest.fixture(scope="session")
def kubernaut_data_dir() -> Iterator[Path]:
    """A ``KUBERNAUT_DATA_DIR`` for the session: the first ``Database`` opened on it starts
    its embedded PostgreSQL, the others join it; it stops when the session ends."""
    with embedded_data_dir() as path:
        yield path


@pytest.fixture
async def database_url(
    kubernaut_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[str]:
    """An empty database of its own on the session's embedded PostgreSQL, also set as
    KUBERNAUT_DATABASE_URL (the way a deployment names its server)."""
    server = await embedded_server_url(kubernaut_data_dir)
    name = f"kubernaut_{uuid.uuid4().hex[:16]}"
    await run_sql(server, f'CREATE DATABASE "{name}"')
    url = with_database(server, name)
    monkeypatch.setenv("KUBERNAUT_DATABASE_URL", url)
    try:
        yield url
    finally:
        await run_sql(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
