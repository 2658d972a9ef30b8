"""Checks that decide between automatic execution and asking a person: the model's
confidence and the action's risk level."""

from __future__ import annotations

import math

from kubernaut.core.policy import PolicyCheck
from kubernaut.tools.catalog_types import ActionSpec
from kubernaut.tools.safety.checks import CheckName, allow, deny, needs_approval
from kubernaut.tools.safety.policy import ApprovalPolicy


def confidence_check(policy: ApprovalPolicy, confidence: float) -> PolicyCheck:
    if math.isnan(confidence) or not 0.0 <= confidence <= 1.0:
        return deny(CheckName.CONFIDENCE, f"confidence {confidence} is not between 0 and 1")
    if confidence < policy.min_confidence:
        return needs_approval(
            CheckName.CONFIDENCE,
            f"confidence {confidence:.2f} is below approval.minConfidence "
            f"({policy.min_confidence:.2f})",
        )
    return allow(CheckName.CONFIDENCE, f"confidence {confidence:.2f}")


def risk_check(policy: ApprovalPolicy, spec: ActionSpec) -> PolicyCheck:
    if policy.require_for_all:
        return needs_approval(CheckName.RISK, "approval.requireForAll: every action needs approval")
    if spec.risk in policy.risk_levels:
        return needs_approval(
            CheckName.RISK,
            f"{spec.name} is {spec.risk} risk; approval.riskLevels requires approval",
        )
    return allow(CheckName.RISK, f"{spec.name} is {spec.risk} risk")
