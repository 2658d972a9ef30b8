"""Kubernaut's custom resources (group ``kubernaut.io``, version ``v1alpha1``) as pydantic
models: the single source of their OpenAPI schemas (``crds/*.yaml``), of what the
controllers and the gateway read and write, and of the printer columns ``kubectl``
shows."""

from kubernaut.crds.ai_analysis import AIAnalysis, AIAnalysisPhase, AIAnalysisSpec, AIAnalysisStatus
from kubernaut.crds.approval import (
    ApprovalDecision,
    ApprovalPhase,
    RemediationApproval,
    RemediationApprovalSpec,
    RemediationApprovalStatus,
)
from kubernaut.crds.definitions import ALL_KINDS, CrdKind
from kubernaut.crds.kubernetes_execution import (
    ExecutionOperation,
    KubernetesExecution,
    KubernetesExecutionPhase,
    KubernetesExecutionSpec,
    KubernetesExecutionStatus,
)
from kubernaut.crds.meta import API_VERSION, GROUP, VERSION, Condition, CrdObject, ObjectMeta
from kubernaut.crds.processing import (
    ProcessingPhase,
    RemediationProcessing,
    RemediationProcessingSpec,
    RemediationProcessingStatus,
)
from kubernaut.crds.remediation_request import (
    RemediationPhase,
    RemediationRequest,
    RemediationRequestSpec,
    RemediationRequestStatus,
    SignalSpec,
    StormSpec,
)
from kubernaut.crds.workflow_execution import (
    WorkflowExecution,
    WorkflowExecutionPhase,
    WorkflowExecutionSpec,
    WorkflowExecutionStatus,
)

__all__ = [
    "ALL_KINDS",
    "API_VERSION",
    "GROUP",
    "VERSION",
    "AIAnalysis",
    "AIAnalysisPhase",
    "AIAnalysisSpec",
    "AIAnalysisStatus",
    "ApprovalDecision",
    "ApprovalPhase",
    "Condition",
    "CrdKind",
    "CrdObject",
    "ExecutionOperation",
    "KubernetesExecution",
    "KubernetesExecutionPhase",
    "KubernetesExecutionSpec",
    "KubernetesExecutionStatus",
    "ObjectMeta",
    "ProcessingPhase",
    "RemediationApproval",
    "RemediationApprovalSpec",
    "RemediationApprovalStatus",
    "RemediationPhase",
    "RemediationProcessing",
    "RemediationProcessingSpec",
    "RemediationProcessingStatus",
    "RemediationRequest",
    "RemediationRequestSpec",
    "RemediationRequestStatus",
    "SignalSpec",
    "StormSpec",
    "WorkflowExecution",
    "WorkflowExecutionPhase",
    "WorkflowExecutionSpec",
    "WorkflowExecutionStatus",
]
