"""Service predicates: traffic has somewhere to go."""

from __future__ import annotations

from pydantic import Field

from kubernaut.sim.scenario.base import DnsLabel
from kubernaut.sim.scenario.predicates.base import ObjectRef, Predicate
from kubernaut.sim.scenario.predicates.podstate import plural
from kubernaut.sim.scenario.reader import ClusterReader


class ServiceHasEndpoints(Predicate):
    """The Service's Endpoints object lists at least ``min`` ready addresses."""

    key = "serviceHasEndpoints"
    namespace: DnsLabel = Field(description="The Service's namespace.")
    name: str = Field(description="The Service's name.")
    minimum: int = Field(
        default=1, alias="min", ge=1, description="How many ready addresses at least."
    )

    def subject(self) -> str:
        return f"service {self.namespace}/{self.name}"

    def references(self) -> list[ObjectRef]:
        return [ObjectRef("Service", self.namespace, self.name)]

    async def check(self, reader: ClusterReader) -> tuple[bool, str]:
        endpoints = await reader.get("v1", "Endpoints", self.namespace, self.name)
        if endpoints is None:
            return False, f"{self.subject()}: no Endpoints object"
        subsets = endpoints.get("subsets") or []
        ready = sum(len(subset.get("addresses") or []) for subset in subsets)
        not_ready = sum(len(subset.get("notReadyAddresses") or []) for subset in subsets)
        detail = f"{self.subject()}: {plural(ready, 'ready address')}"
        if not_ready:
            detail += f", {not_ready} not ready"
        if ready >= self.minimum:
            return True, detail
        return False, f"{detail}, at least {self.minimum} wanted"
