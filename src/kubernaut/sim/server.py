"""Running the simulator: an API server on a local port, in a thread of its own.

The server gets its own thread and event loop so that blocking clients (the official
``kubernetes`` client, ``kubectl`` subprocesses) can be used from the caller's thread,
and async clients from any loop. Use it as a context manager, sync or async::

    async with Simulator(speed=60) as sim:
        sim.kubeconfig_path  # for kubectl / kubernetes.config.load_kube_config
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable, Coroutine, Iterable
from concurrent.futures import Future
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from kubernaut.sim.api_server import ApiServer
from kubernaut.sim.cluster import Cluster
from kubernaut.sim.holds import Hold, Holds, Matcher
from kubernaut.sim.kubeconfig import write_kubeconfig
from kubernaut.sim.objects import Obj
from kubernaut.sim.requestlog import RequestLog
from kubernaut.threaded_server import ContextManaged, ThreadedServer

ADMIN_TOKEN = "kubernaut-sim-admin"
ADMIN_USER = "kubernetes-admin"

T = TypeVar("T")


class Simulator(ContextManaged):
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
        self._server = ThreadedServer("kubernaut-sim", host=host, port=port)
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
        self._cluster: Cluster | None = None
        self._holds = Holds()

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> Simulator:
        if self._server.running:
            return self
        self._server.start(self._setup, self._teardown)
        if self._kubeconfig_path is None:
            self._tempdir = tempfile.TemporaryDirectory(prefix="kubernaut-sim-")
            self._kubeconfig_path = Path(self._tempdir.name) / "kubeconfig"
        write_kubeconfig(self._kubeconfig_path, self.url, ADMIN_TOKEN)
        return self

    def stop(self) -> None:
        self._server.stop()
        if self._tempdir is not None:
            self._tempdir.cleanup()
            self._tempdir = None

    async def _setup(self) -> ApiServer:
        cluster = Cluster(**self._cluster_options)
        cluster.apply(self._manifests)
        self._cluster = cluster
        app = ApiServer(cluster, tokens=self._tokens)
        app.holds = self._holds
        app.address = f"{self._server.host}:{self._server.port}"
        cluster.start()
        return app

    async def _teardown(self) -> None:
        if self._cluster is not None:
            await self._cluster.stop()

    # -- access ------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://{self._server.host}:{self._server.port}"

    @property
    def port(self) -> int:
        return self._server.port

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

    def now(self) -> datetime:
        """Simulated time now (safe to read from any thread)."""
        return self.cluster.clock.now()

    def hold(self, matches: Matcher) -> Hold:
        """Hold the next request ``matches`` accepts before it is applied (see
        :mod:`kubernaut.sim.holds`)."""
        return self._holds.arm(matches)

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
        return self._server.submit(coroutine)


async def _as_coroutine(function: Callable[[Cluster], T], cluster: Cluster) -> T:
    return function(cluster)
