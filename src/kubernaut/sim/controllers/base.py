"""What every built-in controller shares: the cluster it runs in and typed access to kinds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kubernaut.sim.objects import Obj
from kubernaut.sim.resources import ResourceType

if TYPE_CHECKING:
    from kubernaut.sim.cluster import Cluster


class BaseController:
    name = "controller"

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.store = cluster.store
        self.clock = cluster.clock

    def kind(self, api_version: str, kind: str) -> ResourceType:
        return self.cluster.resource(api_version, kind)

    def event(self, obj: Obj, event_type: str, reason: str, message: str, **extra: str) -> None:
        self.cluster.events.record(obj, event_type, reason, message, component=self.name, **extra)
