"""Pod predicates over a label selector: all ready, or none in a failing state."""

from __future__ import annotations

from pydantic import Field

from kubernaut.sim.scenario.base import DnsLabel, SelectorText
from kubernaut.sim.scenario.predicates.base import Predicate
from kubernaut.sim.scenario.predicates.podstate import (
    container_statuses,
    current_reason,
    is_live,
    is_ready,
    plural,
    summarize,
)
from kubernaut.sim.scenario.reader import ClusterReader, ObjList

FAILING_REASONS = (
    "CrashLoopBackOff",
    "OOMKilled",
    "ImagePullBackOff",
    "ErrImagePull",
    "CreateContainerConfigError",
    "Error",
)


class SelectedPods(Predicate):
    """Base of predicates over the pods a label selector picks in one namespace."""

    namespace: DnsLabel = Field(description="Where the pods are.")
    selector: SelectorText = Field(description="Which pods: a label selector, e.g. `app=web`.")

    def subject(self) -> str:
        return f"pods {self.selector} in {self.namespace}"

    async def _pods(self, reader: ClusterReader) -> ObjList:
        pods = await reader.list("v1", "Pod", self.namespace, self.selector)
        return [pod for pod in pods if is_live(pod)]


class PodsReady(SelectedPods):
    """At least ``min`` matching pods (not being deleted, not finished), all Ready, and no
    container of theirs waiting."""

    key = "podsReady"
    minimum: int = Field(default=1, alias="min", ge=1, description="How many pods at least.")

    async def check(self, reader: ClusterReader) -> tuple[bool, str]:
        pods = await self._pods(reader)
        ready = [pod for pod in pods if is_ready(pod)]
        waiting = [
            pod
            for pod in pods
            if any("waiting" in (status.get("state") or {}) for status in container_statuses(pod))
        ]
        head = f"{self.subject()}: {len(ready)}/{len(pods)} ready"
        if len(pods) < self.minimum:
            return (
                False,
                f"{head}, {plural(len(pods), 'pod')} where at least {self.minimum} are wanted",
            )
        if len(ready) == len(pods) and not waiting:
            return True, head
        trouble = summarize(pods)
        return False, f"{head}, {trouble}" if trouble else head


class NoContainerIn(SelectedPods):
    """No matching pod has a container whose current state (waiting or terminated, not
    lastState) has one of ``reasons``."""

    key = "noContainerIn"
    reasons: tuple[str, ...] = Field(
        default=FAILING_REASONS,
        min_length=1,
        description="Container state reasons that count as failing.",
    )

    async def check(self, reader: ClusterReader) -> tuple[bool, str]:
        pods = await self._pods(reader)
        found = []
        for pod in pods:
            for status in container_statuses(pod):
                reason = current_reason(status)
                if reason in self.reasons:
                    found.append(f"{pod['metadata']['name']}/{status.get('name')} {reason}")
        head = f"{self.subject()}: {plural(len(pods), 'pod')}"
        if found:
            return False, f"{head}, containers in a failing state: {', '.join(found)}"
        return True, f"{head}, no container in {', '.join(self.reasons)}"
