"""The safety policy and the validate step: deterministic checks that stand between a
model's proposal and any write, configured by a policy file with safe defaults
(docs/policy.md)."""

from kubernaut.tools.safety.checks import CheckName
from kubernaut.tools.safety.history import HistoryEntry, InMemoryHistory, RemediationHistory
from kubernaut.tools.safety.loading import (
    POLICY_FILE_ENV,
    PolicyError,
    load_policy,
    policy_path_from_environment,
)
from kubernaut.tools.safety.policy import SafetyPolicy
from kubernaut.tools.safety.validator import SafetyValidator, Validation

__all__ = [
    "POLICY_FILE_ENV",
    "CheckName",
    "HistoryEntry",
    "InMemoryHistory",
    "PolicyError",
    "RemediationHistory",
    "SafetyPolicy",
    "SafetyValidator",
    "Validation",
    "load_policy",
    "policy_path_from_environment",
]
