"""The safety policy: what Kubernaut may do, where, how much and how often.

This is the schema of the policy file (YAML, camelCase keys). Every default is the safe
choice, so running with no file at all is safe. Unknown keys are errors, so a typo
never silently leaves a limit at its default.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.alias_generators import to_camel

from kubernaut.core.actions import RiskLevel
from kubernaut.tools.catalog import CATALOG

DEFAULT_PROTECTED_NAMESPACES = ("kube-system", "kube-public", "kube-node-lease", "kubernaut-system")
DEFAULT_OPT_IN_LABEL = "kubernaut.io/managed=true"
ALWAYS_ON = {
    "dryRun": "the server-side dry run before every real write",
    "accessReview": "the SelfSubjectAccessReview before every real write",
}
"""Safeguards a policy file cannot switch off; naming them is an error that says so."""


class PolicySection(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True
    )


def _catalog_names(names: list[str]) -> list[str]:
    unknown = [name for name in names if name not in CATALOG]
    if unknown:
        raise ValueError(
            f"{', '.join(unknown)}: not an action of the catalog (see docs/actions.md)"
        )
    return names


class ActionsPolicy(PolicySection):
    allowed: list[str] = Field(default_factory=lambda: list(CATALOG))
    """Actions Kubernaut may take; every catalog action by default."""
    denied: list[str] = Field(default_factory=list)
    """Actions Kubernaut never takes; wins over ``allowed``."""
    job_templates: dict[str, dict[str, Any]] = Field(default_factory=dict)
    """Action name -> the batch/v1 Job manifest it runs (backups, failover, heap dumps...)."""

    @field_validator("allowed", "denied")
    @classmethod
    def _known_actions(cls, names: list[str]) -> list[str]:
        return _catalog_names(names)

    @field_validator("job_templates")
    @classmethod
    def _job_manifests(cls, templates: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        _catalog_names(list(templates))
        for action, manifest in templates.items():
            if (manifest.get("apiVersion"), manifest.get("kind")) != ("batch/v1", "Job"):
                raise ValueError(f"{action}: a template must be a manifest of a batch/v1 Job")
        return templates


class NamespacesPolicy(PolicySection):
    """Namespace names, or shell-style patterns such as ``team-*``."""

    protected: list[str] = Field(default_factory=lambda: list(DEFAULT_PROTECTED_NAMESPACES))
    allow: list[str] = Field(default_factory=list)
    """When not empty, the only namespaces Kubernaut may act in."""
    deny: list[str] = Field(default_factory=list)

    def refusal(self, namespace: str) -> str | None:
        """Why Kubernaut may not act in ``namespace``, or None when it may."""
        if _matches_any(namespace, self.protected):
            return f"namespace {namespace} is protected (namespaces.protected)"
        if _matches_any(namespace, self.deny):
            return f"namespace {namespace} is in namespaces.deny"
        if self.allow and not _matches_any(namespace, self.allow):
            return f"namespace {namespace} is not in namespaces.allow"
        return None


def _matches_any(name: str, patterns: list[str]) -> bool:
    return any(fnmatchcase(name, pattern) for pattern in patterns)


class OptInPolicy(PolicySection):
    label: str = DEFAULT_OPT_IN_LABEL
    """``key=value``, or a bare ``key`` that any value satisfies."""
    required: bool = True

    @field_validator("label")
    @classmethod
    def _label_syntax(cls, label: str) -> str:
        key = label.partition("=")[0]
        if not key or " " in label:
            raise ValueError("write the label as key=value (or a bare key), without spaces")
        return label

    def is_carried_by(self, labels: dict[str, str]) -> bool:
        key, has_value, value = self.label.partition("=")
        return key in labels and (not has_value or labels[key] == value)


class LimitsPolicy(PolicySection):
    max_replica_change: int = Field(default=10, ge=0)
    allow_scale_to_zero: bool = False
    max_resource_factor: float = Field(default=4.0, ge=1.0)
    max_nodes_drained: int = Field(default=1, ge=0)
    max_pods_affected: int = Field(default=20, ge=0)


class OscillationPolicy(PolicySection):
    window: int = Field(default=1800, ge=0)
    """Seconds during which reversing the direction of a scale action is flapping."""


class CooldownPolicy(PolicySection):
    seconds: int = Field(default=300, ge=0)
    oscillation: OscillationPolicy = Field(default_factory=OscillationPolicy)


class RatePolicy(PolicySection):
    max_actions: int = Field(default=10, ge=0)
    window_seconds: int = Field(default=600, ge=1)


class ApprovalPolicy(PolicySection):
    min_confidence: float = Field(default=0.8, ge=0.0, le=1.0)
    risk_levels: list[RiskLevel] = Field(
        default_factory=lambda: [RiskLevel.HIGH, RiskLevel.CRITICAL]
    )
    require_for_all: bool = False


class SafetyPolicy(PolicySection):
    """The whole policy file. docs/policy.md describes every field."""

    actions: ActionsPolicy = Field(default_factory=ActionsPolicy)
    namespaces: NamespacesPolicy = Field(default_factory=NamespacesPolicy)
    opt_in: OptInPolicy = Field(default_factory=OptInPolicy)
    limits: LimitsPolicy = Field(default_factory=LimitsPolicy)
    cooldown: CooldownPolicy = Field(default_factory=CooldownPolicy)
    rate: RatePolicy = Field(default_factory=RatePolicy)
    approval: ApprovalPolicy = Field(default_factory=ApprovalPolicy)

    @model_validator(mode="before")
    @classmethod
    def _no_switching_off(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key, what in ALWAYS_ON.items():
                if key in data:
                    raise ValueError(
                        f"{key}: {what} is always on and cannot be configured; remove the {key} key"
                    )
        return data
