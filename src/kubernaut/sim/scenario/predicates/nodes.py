"""Node predicates: a condition, schedulability, and a node emptied of workloads."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from kubernaut.sim.objects import Obj
from kubernaut.sim.scenario.predicates.base import ObjectRef, Predicate
from kubernaut.sim.scenario.predicates.podstate import condition_status, plural
from kubernaut.sim.scenario.reader import ClusterReader


class _OnNode(Predicate):
    def _node_name(self) -> str:
        raise NotImplementedError

    def subject(self) -> str:
        return f"node {self._node_name()}"

    def references(self) -> list[ObjectRef]:
        return [ObjectRef("Node", None, self._node_name())]


class _NamedNode(_OnNode):
    name: str = Field(description="The node's name.")

    def _node_name(self) -> str:
        return self.name

    async def _node(self, reader: ClusterReader) -> Obj | None:
        return await reader.get("v1", "Node", None, self.name)


class NodeCondition(_NamedNode):
    """The node's condition ``type`` has ``status`` (a missing condition counts as Unknown)."""

    key = "nodeCondition"
    type: str = Field(description="A condition type: Ready, MemoryPressure, DiskPressure, ...")
    status: Literal["True", "False", "Unknown"] = Field(description="The wanted status.")

    async def check(self, reader: ClusterReader) -> tuple[bool, str]:
        node = await self._node(reader)
        if node is None:
            return False, f"{self.subject()}: not found"
        actual = condition_status(node, self.type) or "Unknown"
        detail = f"{self.subject()}: {self.type} is {actual}"
        if actual == self.status:
            return True, detail
        return False, f"{detail}, expected {self.status}"


class NodeSchedulable(_NamedNode):
    """The node is (or is not) cordoned: ``spec.unschedulable`` is the opposite of
    ``schedulable``."""

    key = "nodeSchedulable"
    schedulable: bool = Field(default=True, description="Whether new pods may be scheduled there.")

    async def check(self, reader: ClusterReader) -> tuple[bool, str]:
        node = await self._node(reader)
        if node is None:
            return False, f"{self.subject()}: not found"
        schedulable = not (node.get("spec") or {}).get("unschedulable", False)
        detail = f"{self.subject()}: {'schedulable' if schedulable else 'cordoned'}"
        return schedulable == self.schedulable, detail


class NoPodsOnNode(_OnNode):
    """No pod that is running or pending runs on the node (pods being deleted still count
    until they are gone), except DaemonSet pods when ``excludeDaemonSets``."""

    key = "noPodsOnNode"
    node: str = Field(description="The node's name.")
    exclude_daemon_sets: bool = Field(default=True, description="Ignore pods owned by DaemonSets.")

    def _node_name(self) -> str:
        return self.node

    async def check(self, reader: ClusterReader) -> tuple[bool, str]:
        pods = await reader.list("v1", "Pod", None, field_selector=f"spec.nodeName={self.node}")
        remaining = [
            f"{pod['metadata'].get('namespace')}/{pod['metadata']['name']}"
            for pod in pods
            if _occupies(pod) and not (self.exclude_daemon_sets and _daemon_pod(pod))
        ]
        if not remaining:
            return True, f"{self.subject()}: no pods"
        shown = ", ".join(remaining[:5]) + (", ..." if len(remaining) > 5 else "")
        return False, f"{self.subject()}: {plural(len(remaining), 'pod')} left: {shown}"


def _occupies(pod: Obj) -> bool:
    """Pods being deleted still hold the node until they are gone; finished pods do not."""
    return (pod.get("status") or {}).get("phase") not in ("Succeeded", "Failed")


def _daemon_pod(pod: Obj) -> bool:
    return any(
        ref.get("kind") == "DaemonSet" for ref in pod["metadata"].get("ownerReferences") or []
    )
