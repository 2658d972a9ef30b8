"""verify: re-read health until the target recovers or time is up; undo what made it
worse."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from kubernaut.core.outcome import Outcome
from kubernaut.core.resources import ResourceRef
from kubernaut.core.signal import Signal
from kubernaut.graphs.deps import RemediationDeps
from kubernaut.graphs.execute import step_of
from kubernaut.graphs.state import RemediationState
from kubernaut.graphs.trail import trail_entry
from kubernaut.tools.health import TargetHealth, assess_target

NODE = "verify"


async def verify(state: RemediationState, deps: RemediationDeps) -> dict[str, Any]:
    started = deps.clock()
    step, plan = step_of(state)
    targets = _targets(_assessed_target(state), plan.target)
    deadline = time.monotonic() + deps.settings.verify_timeout
    health = await _assess(deps, targets)
    while not all(h.healthy for h in health) and time.monotonic() < deadline:
        await asyncio.sleep(deps.settings.verify_interval)
        health = await _assess(deps, targets)
    before = float((state.get("health_before") or {}).get("score", 0.0))
    after = min(h.score for h in health)
    problems = [problem for h in health for problem in h.problems]
    verification: dict[str, Any] = {
        "healthy": all(h.healthy for h in health),
        "score_before": before,
        "score_after": after,
        "problems": problems,
        "assessed": [h.model_dump(mode="json") for h in health],
    }
    update: dict[str, Any] = {"verification": verification}
    if verification["healthy"]:
        update["outcome"] = Outcome.REMEDIATED.value
        update["reason"] = f"{plan.summary or step.action}; the target is healthy"
    elif after < before:
        rolled = await deps.executor.rollback(step, plan)
        verification["rollback"] = rolled.model_dump(mode="json")
        update["outcome"] = (
            Outcome.ROLLED_BACK.value
            if rolled.status.value == "rolled-back"
            else Outcome.FAILED.value
        )
        update["reason"] = (
            f"health fell from {before:.2f} to {after:.2f} ({'; '.join(problems)}); "
            f"rollback: {rolled.status.value} {rolled.message}"
        )
    else:
        update["outcome"] = Outcome.NOT_RESOLVED.value
        update["reason"] = (
            f"not healthy after {deps.settings.verify_timeout:.0f}s: {'; '.join(problems)}"
        )
    update["trail"] = [
        trail_entry(
            NODE,
            started,
            deps.clock(),
            f"health {before:.2f} -> {after:.2f}"
            + (f": {'; '.join(problems)}" if problems else ""),
            update["outcome"],
        )
    ]
    return update


def _assessed_target(state: RemediationState) -> ResourceRef | None:
    """The signal's target as investigate assessed it: a pod's top-level owner, which
    outlives the pod a rollout replaces."""
    assessed = (state.get("health_before") or {}).get("target")
    if assessed:
        return ResourceRef.model_validate(assessed)
    return Signal.model_validate(state["signal"]).target


def _targets(signal_target: ResourceRef | None, action_target: ResourceRef) -> list[ResourceRef]:
    """What must be healthy: the object the signal is about and the one acted on."""
    if signal_target is None or signal_target == action_target:
        return [action_target]
    return [signal_target, action_target]


async def _assess(deps: RemediationDeps, targets: list[ResourceRef]) -> list[TargetHealth]:
    return [await assess_target(deps.client, target, now=deps.clock()) for target in targets]
