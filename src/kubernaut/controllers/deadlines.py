"""When a RemediationRequest's time is up, or comes due: the overall and per-phase
timeouts, and the end of a block. The orchestrator acts on them; the sweeper uses them
to visit only what time has made due."""

from __future__ import annotations

from datetime import datetime

from kubernaut.controllers.settings import PhaseTimeouts
from kubernaut.crds import RemediationPhase, RemediationRequest


def phase_limits(timeouts: PhaseTimeouts) -> dict[RemediationPhase, float]:
    return {
        RemediationPhase.PROCESSING: timeouts.processing,
        RemediationPhase.ANALYZING: timeouts.analyzing,
        RemediationPhase.EXECUTING: timeouts.executing,
    }


def timeout_reason(remediation: RemediationRequest, timeouts: PhaseTimeouts, now: datetime) -> str:
    """Why the remediation has run out of time, or an empty string."""
    status = remediation.status
    if status.started_at and (now - status.started_at).total_seconds() > timeouts.overall:
        return f"not finished {timeouts.overall:g}s after it started"
    limit = phase_limits(timeouts).get(status.phase)
    started = status.phase_started_at
    if limit is not None and started and (now - started).total_seconds() > limit:
        return f"{status.phase.value} for more than {limit:g}s"
    return ""


def due(remediation: RemediationRequest, timeouts: PhaseTimeouts, now: datetime) -> bool:
    """Whether time alone asks for a reconcile now: a timeout passed or a block ended."""
    status = remediation.status
    if status.phase.terminal:
        return False
    if status.phase is RemediationPhase.BLOCKED:
        return status.blocked_until is None or status.blocked_until <= now
    return bool(timeout_reason(remediation, timeouts, now))
