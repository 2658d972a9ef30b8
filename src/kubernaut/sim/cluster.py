"""A simulated cluster: the store, its clock and controllers, logs and access rules."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable
from datetime import datetime

from kubernaut.sim.access import AccessPolicy
from kubernaut.sim.builtin_resources import BUILTIN_RESOURCES
from kubernaut.sim.clock import SimClock
from kubernaut.sim.controllers.installer import install_controllers
from kubernaut.sim.controllers.manager import ControllerManager
from kubernaut.sim.defaults import Defaulter
from kubernaut.sim.errors import ApiError
from kubernaut.sim.ids import IdSource
from kubernaut.sim.logs import LogStore
from kubernaut.sim.objects import Obj, deep_copy
from kubernaut.sim.physics.registry import ImageRegistry
from kubernaut.sim.physics.usage import UsageModel
from kubernaut.sim.recorder import EventRecorder
from kubernaut.sim.requestlog import RequestLog
from kubernaut.sim.resources import ResourceRegistry, ResourceType
from kubernaut.sim.store import Store
from kubernaut.sim.validation import validate_builtin

SYSTEM_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")


class Cluster:
    """Everything the API server serves. Not thread-safe: use it on the simulator's loop."""

    def __init__(
        self,
        *,
        speed: float = 1.0,
        seed: int = 0,
        start: datetime | None = None,
        watch_history: int = 20_000,
        bookmark_interval: float = 10.0,
        missing_images: Iterable[str] = (),
    ) -> None:
        self.clock = SimClock(speed=speed, start=start)
        self.ids = IdSource(seed)
        self.registry = ResourceRegistry(BUILTIN_RESOURCES)
        self.store = Store(self.registry, self.clock, self.ids, history_limit=watch_history)
        self.store.defaulters.append(Defaulter(self.ids))
        self.store.validators.append(validate_builtin)
        self.request_log = RequestLog()
        self.logs = LogStore(self.clock)
        self.access = AccessPolicy()
        self.images = ImageRegistry(set(missing_images))
        self.usage = UsageModel(self.store, self.resource("v1", "Pod"))
        self.events = EventRecorder(self.store, self.registry, self.clock)
        self.controllers = ControllerManager(self.store, self.clock)
        self.bookmark_interval = bookmark_interval
        self._task: asyncio.Task[None] | None = None
        install_controllers(self)
        for name in SYSTEM_NAMESPACES:
            self.store.create(self.resource("v1", "Namespace"), {"metadata": {"name": name}})

    def resource(self, api_version: str, kind: str) -> ResourceType:
        return self.registry.by_kind(api_version, kind)

    def apply(self, manifests: Iterable[Obj]) -> list[Obj]:
        """Create or replace objects directly (scenario loading).

        Statuses in the manifests are kept; a replacement without a status keeps the
        live one, as a change to the spec would.
        """
        applied = []
        for manifest in manifests:
            resource = self.resource(manifest["apiVersion"], manifest["kind"])
            metadata = manifest.setdefault("metadata", {})
            if resource.namespaced:
                metadata.setdefault("namespace", "default")
                self._ensure_namespace(metadata["namespace"])
            existing = self.store.peek(resource, metadata.get("namespace", ""), metadata["name"])
            if existing is None:
                applied.append(self.store.create(resource, manifest, keep_status=True))
            else:
                merged = deep_copy(manifest)
                merged["metadata"]["resourceVersion"] = existing["metadata"]["resourceVersion"]
                if "status" not in merged and "status" in existing:
                    merged["status"] = existing["status"]
                applied.append(self.store.update(resource, merged, subresource="*"))
        return applied

    def _ensure_namespace(self, name: str) -> None:
        namespaces = self.resource("v1", "Namespace")
        if self.store.peek(namespaces, "", name) is None:
            self.store.create(namespaces, {"metadata": {"name": name}})

    def start(self) -> None:
        """Start the controllers on the running loop."""
        if self._task is None:
            self.controllers.resync()
            self._task = asyncio.get_running_loop().create_task(self.controllers.run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def advance(self, seconds: float) -> None:
        """Run the cluster ``seconds`` of simulated time ahead, timer by timer."""
        self.controllers.run_until(self.clock.elapsed() + seconds)

    def require(self, api_version: str, kind: str, namespace: str, name: str) -> Obj:
        return self.store.get(self.resource(api_version, kind), namespace, name)

    def find(self, api_version: str, kind: str, namespace: str, name: str) -> Obj | None:
        try:
            return self.require(api_version, kind, namespace, name)
        except ApiError:
            return None
