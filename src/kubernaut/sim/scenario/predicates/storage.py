"""Storage predicates: a claim with enough capacity."""

from __future__ import annotations

from pydantic import Field

from kubernaut.core.quantity import parse_quantity
from kubernaut.sim.scenario.base import DnsLabel, Quantity
from kubernaut.sim.scenario.predicates.base import Predicate
from kubernaut.sim.scenario.reader import ClusterReader


class PvcCapacityAtLeast(Predicate):
    """The claim's provisioned capacity (``status.capacity.storage``) is at least ``size``."""

    key = "pvcCapacityAtLeast"
    namespace: DnsLabel = Field(description="The claim's namespace.")
    name: str = Field(
        description="The claim's name (may be one a StatefulSet creates, e.g. data-db-0)."
    )
    size: Quantity = Field(description="The smallest acceptable capacity, e.g. 20Gi.")

    def subject(self) -> str:
        return f"pvc {self.namespace}/{self.name}"

    async def check(self, reader: ClusterReader) -> tuple[bool, str]:
        claim = await reader.get("v1", "PersistentVolumeClaim", self.namespace, self.name)
        if claim is None:
            return False, f"{self.subject()}: not found"
        capacity = ((claim.get("status") or {}).get("capacity") or {}).get("storage")
        if capacity is None:
            return False, f"{self.subject()}: no capacity provisioned yet"
        detail = f"{self.subject()}: capacity {capacity}, at least {self.size} wanted"
        return parse_quantity(capacity) >= parse_quantity(self.size), detail
