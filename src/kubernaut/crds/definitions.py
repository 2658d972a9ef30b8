"""How each kind is served: names, scope, printer columns, and its CRD manifest."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kubernaut.crds.ai_analysis import AIAnalysis
from kubernaut.crds.approval import RemediationApproval
from kubernaut.crds.kubernetes_execution import KubernetesExecution
from kubernaut.crds.meta import GROUP, VERSION, CrdObject
from kubernaut.crds.processing import RemediationProcessing
from kubernaut.crds.remediation_request import RemediationRequest
from kubernaut.crds.schema import structural_schema
from kubernaut.crds.workflow_execution import WorkflowExecution

PART_OF = "kubernaut"
CATEGORY = "kubernaut"
"""``kubectl get kubernaut`` lists every Kubernaut object."""


def column(name: str, path: str, kind: str = "string", priority: int = 0) -> dict[str, Any]:
    found: dict[str, Any] = {"name": name, "type": kind, "jsonPath": path}
    if priority:
        found["priority"] = priority
    return found


AGE = column("Age", ".metadata.creationTimestamp", "date")
PHASE = column("Phase", ".status.phase")


@dataclass(frozen=True)
class CrdKind:
    model: type[CrdObject]
    plural: str
    short_names: tuple[str, ...]
    columns: tuple[dict[str, Any], ...]
    description: str

    @property
    def kind(self) -> str:
        return self.model.KIND

    @property
    def api_version(self) -> str:
        return f"{GROUP}/{VERSION}"

    @property
    def crd_name(self) -> str:
        return f"{self.plural}.{GROUP}"

    def manifest(self) -> dict[str, Any]:
        schema = structural_schema(self.model)
        properties = schema.get("properties") or {}
        top = {
            "type": "object",
            "description": self.description,
            "properties": {
                "apiVersion": {"type": "string"},
                "kind": {"type": "string"},
                "metadata": {"type": "object"},
                "spec": properties["spec"],
                "status": properties["status"],
            },
            "required": ["spec"],
        }
        return {
            "apiVersion": "apiextensions.k8s.io/v1",
            "kind": "CustomResourceDefinition",
            "metadata": {
                "name": self.crd_name,
                "labels": {"app.kubernetes.io/part-of": "kubernaut"},
            },
            "spec": {
                "group": GROUP,
                "scope": "Namespaced",
                "names": {
                    "kind": self.kind,
                    "listKind": f"{self.kind}List",
                    "plural": self.plural,
                    "singular": self.kind.lower(),
                    "shortNames": list(self.short_names),
                    "categories": [CATEGORY],
                },
                "versions": [
                    {
                        "name": VERSION,
                        "served": True,
                        "storage": True,
                        "subresources": {"status": {}},
                        "additionalPrinterColumns": list(self.columns),
                        "schema": {"openAPIV3Schema": top},
                    }
                ],
            },
        }


REMEDIATION_REQUEST = CrdKind(
    RemediationRequest,
    "remediationrequests",
    ("rr",),
    (
        PHASE,
        column("Outcome", ".status.outcome"),
        column("Signal", ".spec.signal.name"),
        column("Target", ".status.target"),
        column("Action", ".status.action"),
        column("Confidence", ".status.confidence", "number"),
        column("Occurrences", ".status.deduplication.occurrences", "integer", priority=1),
        column("Priority", ".status.priority", priority=1),
        AGE,
    ),
    "One incident: a signal and everything Kubernaut did about it.",
)
REMEDIATION_PROCESSING = CrdKind(
    RemediationProcessing,
    "remediationprocessings",
    ("rp",),
    (
        PHASE,
        column("Target", ".status.target.name"),
        column("Environment", ".status.environment"),
        column("Priority", ".status.priority"),
        AGE,
    ),
    "Enrichment of a RemediationRequest: owner chain, environment, priority.",
)
AI_ANALYSIS = CrdKind(
    AIAnalysis,
    "aianalyses",
    ("aia",),
    (
        PHASE,
        column("Node", ".status.node"),
        column("Root Cause", ".status.rootCause.category"),
        column("Action", ".status.action.name"),
        column("Confidence", ".status.confidence", "number"),
        column("Approval", ".status.approval"),
        column("Model", ".status.model", priority=1),
        AGE,
    ),
    "Investigation, recommendation and validation of one remediation, with its trail.",
)
WORKFLOW_EXECUTION = CrdKind(
    WorkflowExecution,
    "workflowexecutions",
    ("wfe",),
    (
        PHASE,
        column("Step", ".status.step"),
        column("Action", ".spec.action"),
        column("Target", ".status.target"),
        column("Outcome", ".status.outcome", priority=1),
        AGE,
    ),
    "Execution and verification of a validated remediation.",
)
KUBERNETES_EXECUTION = CrdKind(
    KubernetesExecution,
    "kubernetesexecutions",
    ("kex",),
    (
        PHASE,
        column("Action", ".spec.action"),
        column("Target", ".status.target"),
        column("Dry-Run", ".status.dryRun"),
        column("Operation", ".spec.operation", priority=1),
        AGE,
    ),
    "One step's writes to the cluster: dry-run, apply once, keep the pre-change state.",
)
REMEDIATION_APPROVAL = CrdKind(
    RemediationApproval,
    "remediationapprovals",
    ("rap",),
    (
        column("Decision", ".status.phase"),
        column("Action", ".spec.action"),
        column("Target", ".status.target"),
        column("Confidence", ".spec.confidence", "number"),
        column("Expires", ".spec.expiresAt", "date"),
        column("Decided By", ".status.decidedBy", priority=1),
        AGE,
    ),
    "A person's decision on an action policy will not run without one.",
)

ALL_KINDS: tuple[CrdKind, ...] = (
    REMEDIATION_REQUEST,
    REMEDIATION_PROCESSING,
    AI_ANALYSIS,
    WORKFLOW_EXECUTION,
    KUBERNETES_EXECUTION,
    REMEDIATION_APPROVAL,
)


def crd_kind(model: type[CrdObject]) -> CrdKind:
    return next(kind for kind in ALL_KINDS if kind.model is model)
