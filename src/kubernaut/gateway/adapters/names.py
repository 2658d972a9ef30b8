"""Kubernetes name rules the adapters check before a name reaches an API path."""

from __future__ import annotations

import re

NAME_PATTERN = r"^[A-Za-z0-9]([-A-Za-z0-9_.:]{0,251}[A-Za-z0-9])?$"
"""A Kubernetes object name (DNS subdomain, plus the ``:`` some RBAC names use)."""
KIND_PATTERN = r"^[A-Z][A-Za-z0-9]{0,62}$"

_NAME = re.compile(NAME_PATTERN)
_KIND = re.compile(KIND_PATTERN)


def is_name(text: str) -> bool:
    return bool(_NAME.match(text))


def is_kind(text: str) -> bool:
    return bool(_KIND.match(text))
