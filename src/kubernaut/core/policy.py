"""What the validate step decides, and why."""

from __future__ import annotations

import enum

from pydantic import BaseModel, Field


class Verdict(enum.StrEnum):
    ALLOW = "allow"
    NEEDS_APPROVAL = "needs-approval"
    DENY = "deny"


class PolicyCheck(BaseModel):
    """One deterministic check and its result."""

    name: str = Field(description="e.g. namespace-scope, cooldown, rbac, dry-run.")
    verdict: Verdict
    detail: str = ""


class PolicyDecision(BaseModel):
    verdict: Verdict
    checks: list[PolicyCheck] = Field(default_factory=list)

    @property
    def reasons(self) -> list[str]:
        """What stopped automatic execution: the detail of each check that did not allow."""
        return [f"{c.name}: {c.detail}" for c in self.checks if c.verdict is not Verdict.ALLOW]

    @classmethod
    def of(cls, checks: list[PolicyCheck]) -> PolicyDecision:
        """The strictest verdict among ``checks`` (no checks: allow)."""
        order = [Verdict.ALLOW, Verdict.NEEDS_APPROVAL, Verdict.DENY]
        worst = max((order.index(c.verdict) for c in checks), default=0)
        return cls(verdict=order[worst], checks=checks)
