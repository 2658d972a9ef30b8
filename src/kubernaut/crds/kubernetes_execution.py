"""KubernetesExecution (kex): one step's writes. Its controller is the only component
that writes to workloads: it checks the step against policy scope again, dry-runs the
writes on the server, applies them once (the step's key is recorded on the target) and
keeps the pre-change state for rollback."""

from __future__ import annotations

import enum
from typing import Any, ClassVar

from pydantic import AwareDatetime, Field

from kubernaut.core.resources import ResourceRef
from kubernaut.crds.meta import CrdModel, CrdObject, StatusBase


class ExecutionOperation(enum.StrEnum):
    APPLY = "apply"
    ROLLBACK = "rollback"


class KubernetesExecutionSpec(CrdModel):
    remediation_request: str
    workflow_execution: str
    step_key: str = Field(
        description="The step's idempotency key (a rollback records it with -rollback)."
    )
    operation: ExecutionOperation = ExecutionOperation.APPLY
    action: str
    target: ResourceRef
    parameters: dict[str, Any] = Field(default_factory=dict)
    plan: dict[str, Any] = Field(
        description="The validated plan: writes, rollback writes, pre-change state, impact."
    )


class KubernetesExecutionPhase(enum.StrEnum):
    PENDING = "Pending"
    DRY_RUN = "DryRun"
    APPLYING = "Applying"
    COMPLETED = "Completed"
    FAILED = "Failed"

    @property
    def terminal(self) -> bool:
        return self in (KubernetesExecutionPhase.COMPLETED, KubernetesExecutionPhase.FAILED)


class DryRunResult(enum.StrEnum):
    PASSED = "Passed"
    FAILED = "Failed"
    SKIPPED = "Skipped"
    """The step was found applied already (a repeat after a restart): nothing to try."""


class KubernetesExecutionStatus(StatusBase):
    phase: KubernetesExecutionPhase = KubernetesExecutionPhase.PENDING
    target: str = Field(default="", description="The target as Kind/namespace/name.")
    dry_run: DryRunResult | None = None
    result: dict[str, Any] | None = Field(
        default=None, description="The step result: status, message, writes, pre-change state."
    )
    started_at: AwareDatetime | None = None
    completed_at: AwareDatetime | None = None


class KubernetesExecution(CrdObject):
    KIND: ClassVar[str] = "KubernetesExecution"

    spec: KubernetesExecutionSpec
    status: KubernetesExecutionStatus = Field(default_factory=KubernetesExecutionStatus)
