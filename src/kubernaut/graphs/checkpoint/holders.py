"""The Kubernetes objects whose status holds a thread's checkpoints, and how the saver
finds them.

A thread may be spread over several objects (a remediation writes its analysis into an
AIAnalysis and its execution into a WorkflowExecution): reads merge all of them, a new
checkpoint or pending write goes to the one :meth:`HolderLocator.holder_for` names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from langchain_core.runnables import RunnableConfig


@dataclass(frozen=True)
class Holder:
    api_version: str
    kind: str
    namespace: str
    name: str

    def __str__(self) -> str:
        return f"{self.kind} {self.namespace}/{self.name}"


class HolderLocator(Protocol):
    async def holders(self, thread_id: str) -> list[Holder]:
        """Every object that holds checkpoints of ``thread_id``; none for an unknown one."""
        ...

    async def holder_for(self, config: RunnableConfig) -> Holder:
        """The object that new checkpoints and pending writes of ``config`` go to."""
        ...
