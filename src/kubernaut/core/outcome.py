"""How a remediation ended."""

from __future__ import annotations

import enum


class Outcome(enum.StrEnum):
    REMEDIATED = "Remediated"
    """The action ran and the target is healthy again."""
    RECOMMENDED = "Recommended"
    """Analysis only (execution not requested): the recommendation passed validation."""
    NOT_RESOLVED = "NotResolved"
    """The action ran but the target did not recover in time; a person should look."""
    ROLLED_BACK = "RolledBack"
    """The action made things worse and was undone."""
    REJECTED = "Rejected"
    """A person rejected the recommendation at the approval step."""
    MANUAL_REVIEW_REQUIRED = "ManualReviewRequired"
    """No acceptable recommendation: denied too often, unparseable, or nothing to do."""
    FAILED = "Failed"
    """The action could not be applied."""

    @property
    def success(self) -> bool:
        return self in (Outcome.REMEDIATED, Outcome.RECOMMENDED)
