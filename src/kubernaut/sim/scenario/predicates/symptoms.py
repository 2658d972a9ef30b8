"""Symptom predicates: what the incident looks like through the API once it has set in.

A scenario's ``expectations.symptoms`` lists them; together with the health predicates
(which must all be failing before a fix) they show the incident is visible the way it
would be on a real cluster: container states, events, logs.
"""

from __future__ import annotations

from urllib.parse import quote

from pydantic import Field

from kubernaut.sim.scenario.base import DnsLabel
from kubernaut.sim.scenario.predicates.base import Predicate
from kubernaut.sim.scenario.predicates.pods import SelectedPods
from kubernaut.sim.scenario.predicates.podstate import container_statuses, current_reason
from kubernaut.sim.scenario.reader import ClusterReader, ClusterReadError


class ContainerIn(SelectedPods):
    """Some matching pod has a container whose current state or last termination has one
    of ``reasons`` (``OOMKilled`` shows in lastState while the container backs off)."""

    key = "containerIn"
    reasons: tuple[str, ...] = Field(min_length=1, description="Container state reasons.")

    async def check(self, reader: ClusterReader) -> tuple[bool, str]:
        seen: list[str] = []
        for pod in await self._pods(reader):
            for status in container_statuses(pod):
                last = ((status.get("lastState") or {}).get("terminated") or {}).get("reason")
                for reason in (current_reason(status), last):
                    if reason in self.reasons:
                        seen.append(f"{pod['metadata']['name']}/{status.get('name')} {reason}")
        if seen:
            return True, f"{self.subject()}: {', '.join(seen)}"
        return False, f"{self.subject()}: no container in {', '.join(self.reasons)}"


class EventSeen(Predicate):
    """An Event with ``reason`` (and a message containing ``messageContains``) exists."""

    key = "eventSeen"
    namespace: DnsLabel | None = Field(default=None, description="Where (default: anywhere).")
    reason: str = Field(description="The event's reason, e.g. `BackOff`.")
    message_contains: str = Field(default="", description="Text the message must contain.")

    def subject(self) -> str:
        return f"events {self.reason} in {self.namespace or 'any namespace'}"

    async def check(self, reader: ClusterReader) -> tuple[bool, str]:
        events = await reader.list(
            "v1", "Event", self.namespace, field_selector=f"reason={self.reason}"
        )
        matching = [e for e in events if self.message_contains in str(e.get("message", ""))]
        if matching:
            first = matching[0]
            return True, f"{self.subject()}: {len(matching)}, e.g. {first.get('message', '')!r}"
        return False, f"{self.subject()}: none (of {len(events)} with that reason)"


class LogContains(SelectedPods):
    """Some matching pod's log (or previous container's log) contains ``text``."""

    key = "logContains"
    text: str = Field(min_length=1, description="Text a log line must contain.")
    previous: bool = Field(default=False, description="Read the previous container's log.")

    async def check(self, reader: ClusterReader) -> tuple[bool, str]:
        which = "previous log" if self.previous else "log"
        for pod in await self._pods(reader):
            for container in pod.get("spec", {}).get("containers") or []:
                path = (
                    f"/api/v1/namespaces/{self.namespace}/pods/{pod['metadata']['name']}/log"
                    f"?container={quote(container['name'])}&previous={str(self.previous).lower()}"
                )
                try:
                    log = await reader.raw(path)
                except ClusterReadError:  # no such log (yet) for this container
                    continue
                if self.text in log:
                    return True, f"{self.subject()}: {pod['metadata']['name']} {which} has it"
        return False, f"{self.subject()}: no {which} contains {self.text!r}"
