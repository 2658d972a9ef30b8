"""The connection pool the stores share, on a server of your own or the embedded one,
with the schema brought up to date at open."""

from __future__ import annotations

import logging
from types import TracebackType
from typing import Any

import asyncpg
import orjson

from kubernaut.store.embedded import embedded_server_url, pgdata_of
from kubernaut.store.errors import DatabaseUnavailable
from kubernaut.store.schema import migrate
from kubernaut.store.settings import DATABASE_URL_ENV, StoreSettings
from kubernaut.store.urls import redacted, scrubbed

log = logging.getLogger(__name__)

_CONNECT_ERRORS = (OSError, TimeoutError, ValueError, asyncpg.PostgresError, asyncpg.InterfaceError)


class Database:
    """An asyncpg pool. Use as an async context manager::

        async with Database() as database:
            blobs = BlobStore(database)

    With ``KUBERNAUT_DATABASE_URL`` set it connects there; otherwise it starts (or joins)
    the embedded server in ``KUBERNAUT_DATA_DIR``. Closing releases the pool; the
    embedded server stops when the last process using it exits.
    """

    def __init__(self, settings: StoreSettings | None = None) -> None:
        self.settings = settings or StoreSettings()
        self._pool: Any = None
        self.where = self._describe()
        """Which database this is, fit for messages and logs (no password)."""

    async def __aenter__(self) -> Database:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def pool(self) -> Any:
        """The asyncpg pool (``acquire``, ``execute``, ``fetch`` ...)."""
        if self._pool is None:
            raise DatabaseUnavailable(
                f"{self.where} is not open: use `async with Database(...)` or await open()"
            )
        return self._pool

    async def open(self) -> None:
        if self._pool is not None:
            return
        url = await self._url()
        try:
            pool = await asyncpg.create_pool(
                url,
                min_size=self.settings.database_pool_min_size,
                max_size=self.settings.database_pool_max_size,
                timeout=self.settings.database_connect_timeout,
                init=_register_codecs,
            )
            try:
                async with pool.acquire() as connection:
                    version = await migrate(connection)
            except BaseException:
                await pool.close()
                raise
        except _CONNECT_ERRORS as error:
            raise DatabaseUnavailable(self._cannot_connect(url, error)) from None
        self._pool = pool
        log.info("database %s open, schema version %s", self.where, version)

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()

    async def _url(self) -> str:
        if self.settings.database_url is not None:
            return self.settings.database_url.get_secret_value()
        return await embedded_server_url(self.settings.data_dir)

    def _describe(self) -> str:
        if self.settings.database_url is not None:
            url = redacted(self.settings.database_url.get_secret_value())
            return f"{DATABASE_URL_ENV}={url}"
        return f"the embedded PostgreSQL in {pgdata_of(self.settings.data_dir)}"

    def _cannot_connect(self, url: str, error: BaseException) -> str:
        reason = _reason(error, self.settings.database_connect_timeout)
        if self.settings.database_url is not None:
            advice = "check the URL or unset it to use the embedded server"
        else:
            advice = f"set {DATABASE_URL_ENV} to use a server of your own"
        return f"cannot connect to {self.where}: {scrubbed(reason, url)}; {advice}"


def _reason(error: BaseException, timeout: float) -> str:
    if isinstance(error, TimeoutError):
        return f"no answer within {timeout:g} s"
    text = str(error).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


async def _register_codecs(connection: Any) -> None:
    """jsonb columns read and write Python values."""
    await connection.set_type_codec(
        "jsonb",
        encoder=lambda value: orjson.dumps(value).decode(),
        decoder=orjson.loads,
        schema="pg_catalog",
    )
