"""Whether a new remediation of a target must wait: another remediation of it is under
way, it was remediated a moment ago, or its remediations keep failing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from kubernaut.controllers.settings import BlockingSettings
from kubernaut.core.outcome import Outcome
from kubernaut.crds import RemediationPhase, RemediationRequest
from kubernaut.crds.meta import display

FAILED_OUTCOMES = frozenset({Outcome.FAILED, Outcome.NOT_RESOLVED, Outcome.ROLLED_BACK, "TimedOut"})
RECHECK = timedelta(seconds=30)
"""How soon a remediation blocked by another one under way looks again."""


@dataclass(frozen=True)
class Block:
    until: datetime
    reason: str


def block_for(
    remediation: RemediationRequest,
    others: list[RemediationRequest],
    settings: BlockingSettings,
    now: datetime,
) -> Block | None:
    """Why ``remediation`` waits, and until when; None when it may start. ``others`` are
    the remediations in the namespace (``remediation`` may be among them)."""
    target = remediation.spec.target
    if target is None:
        return None
    same = [
        other
        for other in others
        if other.spec.target == target and other.metadata.uid != remediation.metadata.uid
    ]
    shown = display(target)
    ahead = [o for o in same if _under_way(o) or _queued_before(o, remediation)]
    if ahead:
        return Block(now + RECHECK, f"{shown} is being remediated by {ahead[0].name}")
    finished = sorted(
        (o for o in same if o.status.phase.terminal and o.status.completed_at is not None),
        key=lambda o: o.status.completed_at or now,
    )
    success = [o for o in finished if o.status.outcome == Outcome.REMEDIATED]
    if success and settings.after_success > 0:
        last = success[-1]
        until = (last.status.completed_at or now) + timedelta(seconds=settings.after_success)
        if until > now:
            return Block(until, f"{shown} was remediated by {last.name} at {_at(last)}")
    window = now - timedelta(seconds=settings.failure_window)
    failures = [
        o
        for o in finished
        if o.status.outcome in FAILED_OUTCOMES and (o.status.completed_at or now) >= window
    ]
    if len(failures) >= settings.failures:
        last = failures[-1]
        until = (last.status.completed_at or now) + timedelta(seconds=settings.failure_period)
        if until > now:
            return Block(
                until,
                f"{len(failures)} remediations of {shown} failed since {window:%H:%M:%S}Z "
                f"(last: {last.name}, {last.status.outcome})",
            )
    return None


def _waiting(remediation: RemediationRequest) -> bool:
    return remediation.status.phase in (RemediationPhase.PENDING, RemediationPhase.BLOCKED)


def _under_way(remediation: RemediationRequest) -> bool:
    return not remediation.status.phase.terminal and not _waiting(remediation)


def _queued_before(other: RemediationRequest, remediation: RemediationRequest) -> bool:
    """Two waiting remediations of one target go in order of creation (then name)."""
    if not _waiting(other):
        return False
    return _order(other) < _order(remediation)


def _order(remediation: RemediationRequest) -> tuple[str, str]:
    created = remediation.metadata.creation_timestamp
    return (created.isoformat() if created else "", remediation.name)


def _at(remediation: RemediationRequest) -> str:
    moment = remediation.status.completed_at
    return f"{moment:%H:%M:%S}Z" if moment else "an unknown time"
