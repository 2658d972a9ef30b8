"""Every controller test gets an empty database of its own on the session's embedded
PostgreSQL, as KUBERNAUT_DATABASE_URL (the way a deployment names its server)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from kubernaut.store.embedded import embedded_server_url


async def _admin(url: str, statement: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@pytest.fixture(autouse=True)
async def database_url(
    kubernaut_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[str]:
    server = await embedded_server_url(kubernaut_data_dir)
    name = f"kubernaut_controllers_{uuid.uuid4().hex[:12]}"
    await _admin(server, f'CREATE DATABASE "{name}"')
    url = urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    monkeypatch.setenv("KUBERNAUT_DATABASE_URL", url)
    try:
        yield url
    finally:
        await _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
