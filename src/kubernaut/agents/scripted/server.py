"""Serving the scripted chat app on a local port, in a thread and event loop of its own,
so that blocking and async clients alike can call it from the caller's thread."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Sequence
from types import TracebackType
from typing import Any

import uvicorn

from kubernaut.agents.scripted.app import ScriptedChatApp
from kubernaut.agents.scripted.script import Answer, Responder, Script

HOST = "127.0.0.1"
START_TIMEOUT = 30.0


class ScriptedChatServer:
    """An OpenAI-compatible chat-completions server whose answers come from ``script``:
    a list of replies and errors used in order, or a function of the request body.

    Use it as a context manager (``with`` or ``async with``); ``port=0`` picks a free
    port. ``delay`` is how long it waits before each answer (to test timeouts).
    """

    def __init__(
        self, script: Sequence[Answer] | Responder, *, port: int = 0, delay: float = 0.0
    ) -> None:
        self._app = ScriptedChatApp(Script(script), delay=delay)
        self._port = port
        self._socket: socket.socket | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None

    @property
    def base_url(self) -> str:
        """What an OpenAI client takes as its base URL (litellm's ``api_base``)."""
        return f"http://{HOST}:{self._port}/v1"

    @property
    def port(self) -> int:
        return self._port

    @property
    def requests(self) -> list[dict[str, Any]]:
        """The JSON bodies of the completion requests received, in order."""
        return self._app.requests

    def start(self) -> ScriptedChatServer:
        if self._thread is not None:
            return self
        self._socket = socket.socket()
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((HOST, self._port))
        self._port = self._socket.getsockname()[1]
        self._thread = threading.Thread(
            target=self._run, args=(self._socket,), name="scripted-chat", daemon=True
        )
        self._thread.start()
        self._ready.wait(START_TIMEOUT)
        if self._failure is not None:
            raise RuntimeError(f"the scripted chat server failed to start: {self._failure}")
        if not self._ready.is_set():
            raise RuntimeError(f"the scripted chat server did not start in {START_TIMEOUT:g} s")
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(15)
            self._thread = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    def __enter__(self) -> ScriptedChatServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> ScriptedChatServer:
        return await asyncio.to_thread(self.start)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await asyncio.to_thread(self.stop)

    def _run(self, listening: socket.socket) -> None:
        try:
            asyncio.run(self._serve(listening))
        except BaseException as error:  # reported to start()
            self._failure = error
            self._ready.set()

    async def _serve(self, listening: socket.socket) -> None:
        config = uvicorn.Config(
            self._app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=1,
        )
        self._server = uvicorn.Server(config)
        serving = asyncio.ensure_future(self._server.serve(sockets=[listening]))
        while not self._server.started and not serving.done():  # noqa: ASYNC110 (uvicorn has no started event)
            await asyncio.sleep(0.01)
        if not self._server.started:
            await serving  # raises why it could not start
            raise RuntimeError("uvicorn stopped before it started serving")
        self._ready.set()
        await serving
