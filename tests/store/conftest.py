"""A fresh database per test on each real PostgreSQL: the embedded server and the
machine's PostgreSQL 15 (127.0.0.1:5432, trust authentication)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from kubernaut.store.embedded import embedded_server_url

LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
SERVERS = ("embedded", "postgres15")


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


async def _admin(url: str, statement: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


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
    await _admin(server, f'CREATE DATABASE "{name}"')
    url = with_database(server, name)
    monkeypatch.setenv("KUBERNAUT_DATABASE_URL", url)
    try:
        yield url
    finally:
        await _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
