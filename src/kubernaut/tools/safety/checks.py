"""The stable names of the validate step's checks, and their results.

The names appear in every :class:`~kubernaut.core.policy.PolicyDecision`, in the
decision trail and in docs/policy.md; dashboards and tests match on them, so a name
never changes meaning.
"""

from __future__ import annotations

import enum

from kubernaut.core.policy import PolicyCheck, Verdict


class CheckName(enum.StrEnum):
    CATALOG = "catalog"
    ALLOWED = "allowed"
    TARGET = "target"
    NAMESPACE_SCOPE = "namespace-scope"
    CONFIDENCE = "confidence"
    RISK = "risk"
    COOLDOWN = "cooldown"
    RATE = "rate"
    OPT_IN = "opt-in"
    PARAMETERS = "parameters"
    PLAN = "plan"
    REPLICA_CHANGE = "replica-change"
    SCALE_TO_ZERO = "scale-to-zero"
    RESOURCE_FACTOR = "resource-factor"
    NODES_DRAINED = "nodes-drained"
    PODS_AFFECTED = "pods-affected"
    OSCILLATION = "oscillation"
    RBAC = "rbac"
    DRY_RUN = "dry-run"


def allow(name: CheckName, detail: str) -> PolicyCheck:
    return PolicyCheck(name=name.value, verdict=Verdict.ALLOW, detail=detail)


def needs_approval(name: CheckName, detail: str) -> PolicyCheck:
    return PolicyCheck(name=name.value, verdict=Verdict.NEEDS_APPROVAL, detail=detail)


def deny(name: CheckName, detail: str) -> PolicyCheck:
    return PolicyCheck(name=name.value, verdict=Verdict.DENY, detail=detail)
