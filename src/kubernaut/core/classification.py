"""Environment and priority of a remediation, from the target's namespace and the
signal's severity (pure functions: the caller reads the namespace).

Environment: the namespace label ``kubernaut.io/environment`` when set; else the
namespace name (``prod``, ``production``, ``*-prod``, ``prod-*`` -> production, and
the same shapes for staging and development); else ``unknown``.

Priority (P0 most urgent), by environment and severity:

| environment | critical | warning | info |
| --- | --- | --- | --- |
| production  | P0 | P1 | P2 |
| staging     | P1 | P2 | P3 |
| development | P2 | P3 | P3 |
| unknown     | P1 | P2 | P3 |
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

ENVIRONMENT_LABEL = "kubernaut.io/environment"


class Environment(enum.StrEnum):
    PRODUCTION = "production"
    STAGING = "staging"
    DEVELOPMENT = "development"
    UNKNOWN = "unknown"


class Severity(enum.StrEnum):
    CRITICAL = "critical"
    WARNING = "warning"
    INFO = "info"


_NAME_WORDS: dict[Environment, tuple[str, ...]] = {
    Environment.PRODUCTION: ("production", "prod", "prd"),
    Environment.STAGING: ("staging", "stage", "stg", "preprod"),
    Environment.DEVELOPMENT: ("development", "dev", "test", "sandbox"),
}
_LABEL_ALIASES: dict[str, Environment] = {
    word: environment for environment, words in _NAME_WORDS.items() for word in words
}
_SEVERITY_ALIASES: dict[str, Severity] = {
    "critical": Severity.CRITICAL,
    "page": Severity.CRITICAL,
    "high": Severity.CRITICAL,
    "error": Severity.CRITICAL,
    "warning": Severity.WARNING,
    "warn": Severity.WARNING,
    "medium": Severity.WARNING,
    "info": Severity.INFO,
    "low": Severity.INFO,
    "none": Severity.INFO,
}
PRIORITY_MATRIX: dict[Environment, dict[Severity, str]] = {
    Environment.PRODUCTION: {Severity.CRITICAL: "P0", Severity.WARNING: "P1", Severity.INFO: "P2"},
    Environment.STAGING: {Severity.CRITICAL: "P1", Severity.WARNING: "P2", Severity.INFO: "P3"},
    Environment.DEVELOPMENT: {Severity.CRITICAL: "P2", Severity.WARNING: "P3", Severity.INFO: "P3"},
    Environment.UNKNOWN: {Severity.CRITICAL: "P1", Severity.WARNING: "P2", Severity.INFO: "P3"},
}


def environment_of(namespace: str, labels: Mapping[str, str] | None = None) -> Environment:
    """The namespace's environment: its label, else its name, else unknown."""
    label = (labels or {}).get(ENVIRONMENT_LABEL, "").strip().lower()
    if label:
        return _LABEL_ALIASES.get(label, Environment.UNKNOWN)
    parts = namespace.lower().split("-")
    for environment, words in _NAME_WORDS.items():
        if any(part in words for part in (parts[0], parts[-1])):
            return environment
    return Environment.UNKNOWN


def severity_of(text: str) -> Severity:
    """A sender's severity word as one of three levels (unknown words: warning)."""
    return _SEVERITY_ALIASES.get(text.strip().lower(), Severity.WARNING)


def priority_of(environment: Environment, severity: str) -> str:
    return PRIORITY_MATRIX[environment][severity_of(severity)]
