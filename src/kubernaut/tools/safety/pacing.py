"""Checks on how often Kubernaut acts, from the remediation history: a cooldown per
target and action, no flapping of scale actions, and a cluster-wide rate."""

from __future__ import annotations

from datetime import datetime, timedelta

from kubernaut.core.policy import PolicyCheck
from kubernaut.core.resources import ResourceRef
from kubernaut.tools.plan import ActionPlan
from kubernaut.tools.safety.checks import CheckName, allow, deny
from kubernaut.tools.safety.history import HistoryEntry
from kubernaut.tools.safety.policy import CooldownPolicy, RatePolicy

SCALE_ACTIONS = frozenset({"scale_deployment", "scale_statefulset", "update_hpa"})
"""Actions that move a replica count up or down; reversing one soon after is flapping."""


def lookback(cooldown: CooldownPolicy, rate: RatePolicy) -> timedelta:
    """How far back the history must be read for every check of this module."""
    return timedelta(
        seconds=max(cooldown.seconds, cooldown.oscillation.window, rate.window_seconds)
    )


def cooldown_check(
    policy: CooldownPolicy,
    action: str,
    target: ResourceRef,
    history: list[HistoryEntry],
    now: datetime,
) -> PolicyCheck:
    since = now - timedelta(seconds=policy.seconds)
    recent = [e for e in history if e.action == action and e.target == target and e.at >= since]
    if recent:
        last = recent[-1].at
        ago = int((now - last).total_seconds())
        retry = last + timedelta(seconds=policy.seconds)
        return deny(
            CheckName.COOLDOWN,
            f"{action} was applied to {target} {ago} s ago; cooldown.seconds is "
            f"{policy.seconds}: not again before {retry.isoformat(timespec='seconds')}",
        )
    return allow(CheckName.COOLDOWN, f"no {action} on {target} in the last {policy.seconds} s")


def oscillation_check(
    policy: CooldownPolicy, plan: ActionPlan, history: list[HistoryEntry], now: datetime
) -> PolicyCheck:
    window = policy.oscillation.window
    direction = _direction(plan.impact.replicas_before, plan.impact.replicas_after)
    if plan.action not in SCALE_ACTIONS or direction == 0:
        return allow(CheckName.OSCILLATION, "not a change of replica count")
    since = now - timedelta(seconds=window)
    previous = [
        e
        for e in history
        if e.action in SCALE_ACTIONS
        and e.target == plan.target
        and e.at >= since
        and _direction(e.replicas_before, e.replicas_after) != 0
    ]
    if not previous:
        return allow(CheckName.OSCILLATION, f"no scale of {plan.target} in the last {window} s")
    last = previous[-1]
    if _direction(last.replicas_before, last.replicas_after) == direction:
        return allow(CheckName.OSCILLATION, "continues the direction of the previous scale")
    ago = int((now - last.at).total_seconds())
    return deny(
        CheckName.OSCILLATION,
        f"flapping: {plan.target} went {last.replicas_before} -> {last.replicas_after} "
        f"replicas {ago} s ago ({last.action}) and "
        f"{plan.impact.replicas_before} -> {plan.impact.replicas_after} would reverse it "
        f"within cooldown.oscillation.window ({window} s)",
    )


def rate_check(policy: RatePolicy, history: list[HistoryEntry], now: datetime) -> PolicyCheck:
    since = now - timedelta(seconds=policy.window_seconds)
    count = sum(1 for entry in history if entry.at >= since)
    if count >= policy.max_actions:
        return deny(
            CheckName.RATE,
            f"{count} actions in the last {policy.window_seconds} s reach rate.maxActions "
            f"({policy.max_actions}); wait or raise the limit",
        )
    return allow(
        CheckName.RATE,
        f"{count} of {policy.max_actions} actions used in the last {policy.window_seconds} s",
    )


def _direction(before: int | None, after: int | None) -> int:
    if before is None or after is None:
        return 0
    return (after > before) - (after < before)
