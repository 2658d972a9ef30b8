"""WorkflowExecution (wfe): the graph's execute -> verify part. Each step runs through a
KubernetesExecution; the trail and checkpoints continue the AIAnalysis's."""

from __future__ import annotations

import enum
from typing import Any, ClassVar

from pydantic import AwareDatetime, Field

from kubernaut.core.resources import ResourceRef
from kubernaut.crds.graph_status import CheckpointStore, TrailEntry
from kubernaut.crds.meta import CrdModel, CrdObject, StatusBase


class WorkflowExecutionSpec(CrdModel):
    remediation_request: str
    remediation_uid: str = Field(description="The RemediationRequest's uid: the thread id.")
    analysis: str = Field(description="The AIAnalysis whose validated plan this executes.")
    action: str
    target: ResourceRef
    parameters: dict[str, Any] = Field(default_factory=dict)


class WorkflowExecutionPhase(enum.StrEnum):
    PENDING = "Pending"
    EXECUTING = "Executing"
    VERIFYING = "Verifying"
    COMPLETED = "Completed"
    FAILED = "Failed"

    @property
    def terminal(self) -> bool:
        return self in (WorkflowExecutionPhase.COMPLETED, WorkflowExecutionPhase.FAILED)


class StepStatus(CrdModel):
    key: str = Field(description="The step's idempotency key.")
    action: str
    operation: str = Field(default="apply", description="apply or rollback.")
    execution: str = Field(default="", description="The KubernetesExecution's name.")
    phase: str = ""
    message: str = ""


class VerificationStatus(CrdModel):
    healthy: bool
    score_before: float
    score_after: float
    problems: list[str] = Field(default_factory=list)


class WorkflowExecutionStatus(StatusBase):
    phase: WorkflowExecutionPhase = WorkflowExecutionPhase.PENDING
    node: str = ""
    target: str = Field(default="", description="The target as Kind/namespace/name.")
    step: str = Field(default="", description="Current step of all, e.g. 1/1.")
    steps: list[StepStatus] = Field(default_factory=list)
    verification: VerificationStatus | None = None
    outcome: str = ""
    reason: str = ""
    started_at: AwareDatetime | None = None
    completed_at: AwareDatetime | None = None
    trail: list[TrailEntry] = Field(default_factory=list)
    checkpoint: CheckpointStore = Field(default_factory=CheckpointStore)


class WorkflowExecution(CrdObject):
    KIND: ClassVar[str] = "WorkflowExecution"

    spec: WorkflowExecutionSpec
    status: WorkflowExecutionStatus = Field(default_factory=WorkflowExecutionStatus)
