"""An ASGI app served by uvicorn on a local port, in a thread and event loop of its own.

The simulator and the scripted chat server run this way so that blocking clients (the
official ``kubernetes`` client, ``kubectl`` subprocesses, litellm's sync path) can be
used from the caller's thread, and async clients from any loop.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import Future
from types import TracebackType
from typing import Any, Self, TypeVar

import uvicorn

T = TypeVar("T")
START_TIMEOUT = 30.0

Setup = Callable[[], Awaitable[Any]]
"""Runs on the server's loop before serving and returns the ASGI app."""
Teardown = Callable[[], Awaitable[None]]
"""Runs on the server's loop after serving stopped."""


class ThreadedServer:
    def __init__(self, name: str, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.name = name
        self.host = host
        self.port = port
        self.loop: asyncio.AbstractEventLoop | None = None
        self._socket: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._server: uvicorn.Server | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self, setup: Setup, teardown: Teardown | None = None) -> None:
        """Bind the port (``0`` picks a free one), then serve until :meth:`stop`. Raises
        why it could not start."""
        if self._thread is not None:
            return
        # IPPROTO_TCP explicitly: asyncio turns on TCP_NODELAY for accepted connections
        # only then, and without it every small response waits on a delayed ACK (~40 ms).
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((self.host, self.port))
        self.port = self._socket.getsockname()[1]
        self._thread = threading.Thread(
            target=self._run, args=(self._socket, setup, teardown), name=self.name, daemon=True
        )
        self._thread.start()
        self._ready.wait(START_TIMEOUT)
        if self._failure is not None:
            raise RuntimeError(f"{self.name} failed to start: {self._failure}") from self._failure
        if not self._ready.is_set():
            raise RuntimeError(f"{self.name} did not start within {START_TIMEOUT:g} s")

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(15)
            self._thread = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    def submit(self, coroutine: Coroutine[Any, Any, T]) -> Future[T]:
        """Run ``coroutine`` on the server's loop."""
        if self.loop is None:
            raise RuntimeError(f"{self.name} is not running")
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop)

    def _run(self, listening: socket.socket, setup: Setup, teardown: Teardown | None) -> None:
        loop = asyncio.new_event_loop()
        self.loop = loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._serve(listening, setup, teardown))
        except BaseException as error:  # reported to start(), or logged by uvicorn
            self._failure = error
            self._ready.set()
        finally:
            loop.close()

    async def _serve(
        self, listening: socket.socket, setup: Setup, teardown: Teardown | None
    ) -> None:
        app = await setup()
        config = uvicorn.Config(
            app, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=1
        )
        self._server = uvicorn.Server(config)
        serving = asyncio.ensure_future(self._server.serve(sockets=[listening]))
        try:
            while not self._server.started and not serving.done():  # noqa: ASYNC110 (uvicorn has no started event)
                await asyncio.sleep(0.01)
            if not self._server.started:
                await serving  # raises why it could not start
                raise RuntimeError("uvicorn stopped before it started serving")
            self._ready.set()
            await serving
        finally:
            if teardown is not None:
                await teardown()


class ContextManaged:
    """``with`` and ``async with`` for a class with blocking ``start()`` and ``stop()``."""

    def start(self) -> Self:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
        return await asyncio.to_thread(self.start)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await asyncio.to_thread(self.stop)
