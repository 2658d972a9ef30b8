"""Opening the database: the schema made once however many open it, the embedded server
by default, and errors that say what to do without showing a password."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from kubernaut.store import Database, DatabaseUnavailable, StoreError, StoreSettings
from kubernaut.store.schema import LATEST
from kubernaut.store.settings import default_data_dir

TABLES = {"schema_version", "blobs", "remediation_history", "audit_log"}


async def _tables(database: Database) -> set[str]:
    rows = await database.pool.fetch(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'kubernaut'"
    )
    return {row["table_name"] for row in rows}


async def test_the_schema_is_made_once_however_many_open_it(database_url: str) -> None:
    first, second = Database(), Database()
    await asyncio.gather(first.open(), second.open())
    try:
        async with Database() as third:
            versions = await third.pool.fetch("SELECT version FROM kubernaut.schema_version")
            assert [row["version"] for row in versions] == list(range(1, LATEST + 1))
            assert await _tables(third) == TABLES
    finally:
        await first.close()
        await second.close()


async def test_a_schema_newer_than_this_kubernaut_is_refused(database_url: str) -> None:
    async with Database() as database:
        await database.pool.execute(
            "INSERT INTO kubernaut.schema_version (version, description) VALUES (999, 'future')"
        )
    with pytest.raises(StoreError, match="version 999, newer than this Kubernaut knows"):
        await Database().open()


async def test_an_unreachable_url_says_what_to_do_and_hides_the_password(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    settings = StoreSettings(database_url="postgresql://kubernaut:s3cret@127.0.0.1:1/kubernaut")

    with pytest.raises(DatabaseUnavailable) as raised:
        await Database(settings).open()

    message = str(raised.value)
    assert message.startswith(
        "cannot connect to "
        "KUBERNAUT_DATABASE_URL=postgresql://kubernaut:***@127.0.0.1:1/kubernaut: "
        "ConnectionRefusedError"
    ), message
    assert message.endswith("; check the URL or unset it to use the embedded server")
    assert "s3cret" not in message + caplog.text + repr(settings)


async def test_a_database_that_does_not_exist_is_named() -> None:
    url = "postgresql://postgres:hunter2@127.0.0.1:5432/no_such_database"
    with pytest.raises(DatabaseUnavailable) as raised:
        await Database(StoreSettings(database_url=url)).open()
    assert 'database "no_such_database" does not exist' in str(raised.value)
    assert "hunter2" not in str(raised.value)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("postgresql://u:pw@db:notaport/x", "invalid literal for int()"),
        ("mysql://u:pw@db/x", 'scheme is expected to be either "postgresql" or "postgres"'),
    ],
)
async def test_a_malformed_url_is_explained(url: str, reason: str) -> None:
    with pytest.raises(DatabaseUnavailable, match="check the URL") as raised:
        await Database(StoreSettings(database_url=url)).open()
    assert reason in str(raised.value)
    assert ":pw@" not in str(raised.value)


async def test_without_a_url_the_embedded_server_is_used(
    kubernaut_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KUBERNAUT_DATABASE_URL", raising=False)
    monkeypatch.setenv("KUBERNAUT_DATA_DIR", str(kubernaut_data_dir))

    async with Database() as database:
        assert database.where == f"the embedded PostgreSQL in {kubernaut_data_dir / 'pgdata'}"
        version = await database.pool.fetchval("SHOW server_version")
        assert await _tables(database) == TABLES
    assert int(version.split(".")[0]) >= 16


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUBERNAUT_DATABASE_URL", "")
    monkeypatch.delenv("KUBERNAUT_DATA_DIR", raising=False)
    assert StoreSettings().database_url is None
    assert StoreSettings().data_dir == default_data_dir()
    assert default_data_dir().name == "kubernaut"

    monkeypatch.setenv("KUBERNAUT_DATABASE_URL", "postgresql://db/kubernaut")
    monkeypatch.setenv("KUBERNAUT_DATABASE_POOL_MAX_SIZE", "3")
    settings = StoreSettings()
    assert settings.database_url is not None
    assert settings.database_url.get_secret_value() == "postgresql://db/kubernaut"
    assert settings.database_pool_max_size == 3

    with pytest.raises(ValueError, match="database_pool_min_size"):
        StoreSettings(database_pool_min_size=5, database_pool_max_size=2)


def test_a_database_not_opened_says_so() -> None:
    database = Database(StoreSettings(database_url="postgresql://db/kubernaut"))
    with pytest.raises(DatabaseUnavailable, match="postgresql://db/kubernaut is not open"):
        database.pool.execute("SELECT 1")
