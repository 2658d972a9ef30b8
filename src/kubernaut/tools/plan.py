"""An action turned into concrete API writes before anything is written.

Planning reads the cluster and computes exactly which requests an action will send.
The safety policy checks that plan (limits, access review, server-side dry run) and the
executor sends those same requests, so what was validated is what runs.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from kubernaut.core.resources import ResourceRef

WriteVerb = Literal["create", "patch", "delete", "evict"]


class PlannedWrite(BaseModel):
    """One API request an action will send."""

    verb: WriteVerb
    api_version: str
    kind: str
    namespace: str = ""
    name: str
    body: Any = None
    """create: the object; patch: the patch document; delete: optional DeleteOptions
    fields (``gracePeriodSeconds``, ``propagationPolicy``); evict: unused."""
    patch_type: Literal["merge", "strategic", "json"] = "merge"

    def describe(self) -> str:
        where = f"{self.namespace}/" if self.namespace else ""
        return f"{self.verb} {self.kind} {where}{self.name}"


class Impact(BaseModel):
    """What the plan touches, for the blast-radius limits."""

    pods_affected: int = 0
    """Pods the plan deletes, evicts or replaces (a rollout counts its replicas)."""
    nodes_drained: int = 0
    replicas_before: int | None = None
    replicas_after: int | None = None
    resource_factor: float | None = None
    """The largest new/old ratio of any CPU or memory request or limit the plan raises."""


class ActionPlan(BaseModel):
    action: str
    target: ResourceRef
    parameters: dict[str, Any] = Field(default_factory=dict)
    """The validated parameters, with defaults resolved to concrete values (a rollback's
    revision, a container name), so that executing the plan twice does the same thing."""
    writes: list[PlannedWrite] = Field(default_factory=list)
    rollback: list[PlannedWrite] = Field(default_factory=list)
    """Writes that restore the pre-change state; empty when the action is not reversible."""
    pre_state: dict[str, Any] = Field(default_factory=dict)
    """The fields the writes change, as they were."""
    impact: Impact = Field(default_factory=Impact)
    summary: str = ""
    """One line a person reads: what will change, from what to what."""
