"""The conditions every Kubernaut object carries, derived from its phase and outcome in
the kstatus convention that ``kubectl wait``, Flux and Argo CD understand:

- ``Reconciling`` is True while the object's work goes on;
- ``Ready`` is True once it ended well (a remediation remediated, an analysis validated
  a plan, a step applied, an approval was decided);
- ``Stalled`` is True once it ended otherwise (failed, timed out, expired, rolled back,
  rejected, or left for a person to review).

Each condition's reason is the outcome when there is one, else the phase; its message
is the status message. ``kubectl wait --for=condition=Ready rr/NAME`` waits for a
successful remediation.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kubernaut.core.outcome import Outcome
from kubernaut.crds.meta import Condition, set_condition

READY = "Ready"
RECONCILING = "Reconciling"
STALLED = "Stalled"

UNSUCCESSFUL_PHASES = frozenset({"Failed", "TimedOut", "Expired"})
SUCCESSFUL_OUTCOMES = frozenset(outcome.value for outcome in Outcome if outcome.success)


def lifecycle_conditions(
    status: dict[str, Any], *, terminal: bool, now: datetime, generation: int | None
) -> list[dict[str, Any]]:
    """``status``'s conditions with the three lifecycle ones set (others kept as they
    are), in their JSON form."""
    phase = str(status.get("phase") or "Pending")
    outcome = str(status.get("outcome") or "")
    ended_well = (
        terminal
        and phase not in UNSUCCESSFUL_PHASES
        and (not outcome or outcome in SUCCESSFUL_OUTCOMES)
    )
    reason = outcome or phase
    message = str(status.get("message") or "")
    conditions = [Condition.model_validate(c) for c in status.get("conditions") or []]
    for type_, value in (
        (RECONCILING, not terminal),
        (READY, ended_well),
        (STALLED, terminal and not ended_well),
    ):
        conditions = set_condition(
            conditions, type_, value, reason, message, now=now, generation=generation
        )
    return [condition.wire() for condition in conditions]
