"""A fresh database per test on each real PostgreSQL: the embedded server and the
machine's PostgreSQL 15 (127.0.0.1:5432, trust authentication)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from kubernaut.store.embedded import embedded_server_url
from support import run_sql, with_database

LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
SERVERS = ("embedded", "postgres15")


@pytest.fixture(params=SERVERS)
async def database_url(
    request: pytest.FixtureRequest, kubernaut_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[str]:
    """The URL of an empty database of its own, also set as KUBERNAUT_DATABASE_URL."""
    if request.param == "embedded":
        server = await embedded_server_url(kubernaut_data_dir)
    else:
        server = LOCAL_POSTGRES
    name = f"kubernaut_test_{uuid.uuid4().hex[:16]}"
    await run_sql(server, f'CREATE DATABASE "{name}"')
    url = with_database(server, name)
    monkeypatch.setenv("KUBERNAUT_DATABASE_URL", url)
    try:
        yield url
    finally:
        await run_sql(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
