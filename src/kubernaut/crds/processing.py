"""RemediationProcessing (rp): enrichment before analysis. The target's owner chain,
its environment and the remediation's priority."""

from __future__ import annotations

import enum
from typing import ClassVar

from pydantic import Field

from kubernaut.core.resources import ResourceRef
from kubernaut.crds.meta import CrdModel, CrdObject, StatusBase
from kubernaut.crds.remediation_request import SignalSpec


class RemediationProcessingSpec(CrdModel):
    remediation_request: str
    signal: SignalSpec
    target: ResourceRef | None = None
    environment: str = Field(default="", description="As the gateway classified it, if it did.")
    priority: str = ""


class ProcessingPhase(enum.StrEnum):
    PENDING = "Pending"
    ENRICHING = "Enriching"
    COMPLETED = "Completed"
    FAILED = "Failed"

    @property
    def terminal(self) -> bool:
        return self in (ProcessingPhase.COMPLETED, ProcessingPhase.FAILED)


class RemediationProcessingStatus(StatusBase):
    phase: ProcessingPhase = ProcessingPhase.PENDING
    owner_chain: list[ResourceRef] = Field(
        default_factory=list, description="From the signal's object up to its top-level owner."
    )
    target: ResourceRef | None = Field(default=None, description="The top-level owner.")
    environment: str = ""
    priority: str = ""
    namespace_labels: dict[str, str] = Field(default_factory=dict)


class RemediationProcessing(CrdObject):
    KIND: ClassVar[str] = "RemediationProcessing"

    spec: RemediationProcessingSpec
    status: RemediationProcessingStatus = Field(default_factory=RemediationProcessingStatus)
