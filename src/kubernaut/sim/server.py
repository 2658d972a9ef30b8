"""Running the simulator: an API server on a local port, in a thread of its own.

The server gets its own thread and event loop so that blocking clients (the official
``kubernetes`` client, ``kubectl`` subprocesses) can be used from the caller's thread,
and async clients from any loop. Use it as a context manager, sync or async::

    async with Simulator(speed=60) as sim:
        sim.kubeconfig_path  # for kubectl / kubernetes.config.load_kube_config
"""

from __future__ import annotations

import asyncio
import socket
import tempfile
import threading
from collections.abc import Callable, Coroutine, Iterable
from concurrent.futures import Future
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import uvicorn

from kubernaut.sim.api_server import ApiServer
from kubernaut.sim.cluster import Cluster
from kubernaut.sim.kubeconfig import write_kubeconfig
from kubernaut.sim.objects import Obj
from kubernaut.sim.requestlog import RequestLog

ADMIN_TOKEN = "kubernaut-sim-admin"
ADMIN_USER = "kubernetes-admin"

T = TypeVar("T")


class Simulator:
    def __init__(
        self,
        *,
        port: int = 0,
        host: str = "127.0.0.1",
        speed: float = 1.0,
        seed: int = 0,
        manifests: Iterable[Obj] = (),
        kubeconfig_path: Path | None = None,
        tokens: dict[str, str] | None = None,
        bookmark_interval: float = 10.0,
        watch_history: int = 20_000,
        missing_images: Iterable[str] = (),
    ) -> None:
        self._host = host
        self._port = port
        self._cluster_options: dict[str, Any] = {
            "speed": speed,
            "seed": seed,
            "bookmark_interval": bookmark_interval,
            "watch_history": watch_history,
            "missing_images": tuple(missing_images),
        }
        self._manifests = list(manifests)
        self._tokens = {ADMIN_TOKEN: ADMIN_USER, **(tokens or {})}
        self._kubeconfig_path = kubeconfig_path
        self._tempdir: tempfile.TemporaryDirectory[str] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: uvicorn.Server | None = None
        self._cluster: Cluster | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> Simulator:
        if self._thread is not None:
            return self
        if self._port == 0:
            self._port = _free_port(self._host)
        self._thread = threading.Thread(target=self._run, name="kubernaut-sim", daemon=True)
        self._thread.start()
        self._ready.wait(30)
        if self._failure is not None:
            raise RuntimeError(f"the simulator failed to start: {self._failure}") from self._failure
        if not self._ready.is_set():
            raise RuntimeError("the simulator did not start within 30 seconds")
        if self._kubeconfig_path is None:
            self._tempdir = tempfile.TemporaryDirectory(prefix="kubernaut-sim-")
            self._kubeconfig_path = Path(self._tempdir.name) / "kubeconfig"
        write_kubeconfig(self._kubeconfig_path, self.url, ADMIN_TOKEN)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(15)
            self._thread = None
        if self._tempdir is not None:
            self._tempdir.cleanup()
            self._tempdir = None

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> Simulator:
        await asyncio.to_thread(self.start)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await asyncio.to_thread(self.stop)

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._serve())
        except BaseException as error:  # reported to start() or logged by uvicorn
            self._failure = error
            self._ready.set()
        finally:
            loop.close()

    async def _serve(self) -> None:
        cluster = Cluster(**self._cluster_options)
        cluster.apply(self._manifests)
        self._cluster = cluster
        app = ApiServer(cluster, tokens=self._tokens)
        app.address = f"{self._host}:{self._port}"
        config = uvicorn.Config(
            app,
            host=self._host,
            port=self._port,
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=1,
        )
        self._server = uvicorn.Server(config)
        cluster.start()
        serving = asyncio.ensure_future(self._server.serve())
        while not self._server.started and not serving.done():  # noqa: ASYNC110 (uvicorn has no started event)
            await asyncio.sleep(0.01)
        self._ready.set()
        try:
            await serving
        finally:
            await cluster.stop()

    # -- access ------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://{self._host}:{self._port}"

    @property
    def port(self) -> int:
        return self._port

    @property
    def kubeconfig_path(self) -> Path:
        if self._kubeconfig_path is None:
            raise RuntimeError("the simulator is not running")
        return self._kubeconfig_path

    @property
    def cluster(self) -> Cluster:
        """The cluster itself. Touch it only through :meth:`call` from other threads."""
        if self._cluster is None:
            raise RuntimeError("the simulator is not running")
        return self._cluster

    @property
    def request_log(self) -> RequestLog:
        return self.cluster.request_log

    def call(self, function: Callable[[Cluster], T]) -> T:
        """Run ``function(cluster)`` on the simulator's loop and return its result."""
        return self._submit(_as_coroutine(function, self.cluster)).result(30)

    async def acall(self, function: Callable[[Cluster], T]) -> T:
        return await asyncio.wrap_future(self._submit(_as_coroutine(function, self.cluster)))

    def apply(self, manifests: Iterable[Obj]) -> list[Obj]:
        """Create or replace objects directly, bypassing the API (scenario set-up)."""
        items = list(manifests)
        return self.call(lambda cluster: cluster.apply(items))

    def advance(self, seconds: float) -> None:
        """Run simulated time ``seconds`` ahead now, every timer at its due time.

        With ``speed=0`` (manual time) this is the only way time moves, which makes a
        run fully deterministic for a given seed and sequence of API calls.
        """
        self.call(lambda cluster: cluster.advance(seconds))

    def _submit(self, coroutine: Coroutine[Any, Any, T]) -> Future[T]:
        if self._loop is None:
            raise RuntimeError("the simulator is not running")
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop)


async def _as_coroutine(function: Callable[[Cluster], T], cluster: Cluster) -> T:
    return function(cluster)


def _free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port
