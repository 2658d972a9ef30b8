"""Cooldown, flapping and the global rate, read from the remediation history with a
fake clock."""

from __future__ import annotations

from safety_support import FakeClock, MakeValidator, check_of, propose

from kubernaut.core.policy import Verdict
from kubernaut.core.resources import ResourceRef
from kubernaut.sim.server import Simulator
from kubernaut.tools.safety import HistoryEntry, InMemoryHistory

WEB = ResourceRef(kind="Deployment", namespace="shop", name="web")


async def test_the_same_action_on_the_same_target_waits_for_the_cooldown(
    cluster: Simulator,
    make_validator: MakeValidator,
    history: InMemoryHistory,
    clock: FakeClock,
) -> None:
    await history.record(HistoryEntry(target=WEB, action="restart_deployment", at=clock.ago(100)))
    validator = make_validator()
    restart = propose("restart_deployment", "Deployment", "shop", "web")
    scale = propose("scale_deployment", "Deployment", "shop", "web", replicas=3)

    too_soon = await validator.validate(restart, confidence=0.95, step_key="k1")
    other_action = await validator.validate(scale, confidence=0.95, step_key="k2")
    clock.advance(201)
    after_cooldown = await validator.validate(restart, confidence=0.95, step_key="k3")

    assert too_soon.decision.reasons == [
        "cooldown: restart_deployment was applied to Deployment shop/web 100 s ago; "
        "cooldown.seconds is 300: not again before 2026-03-01T12:03:20+00:00"
    ]
    assert too_soon.plan is None
    assert other_action.decision.verdict is Verdict.ALLOW, other_action.decision.reasons
    assert after_cooldown.decision.verdict is Verdict.ALLOW, after_cooldown.decision.reasons


async def test_reversing_a_recent_scale_is_flapping(
    cluster: Simulator,
    make_validator: MakeValidator,
    history: InMemoryHistory,
    clock: FakeClock,
) -> None:
    await history.record(
        HistoryEntry(
            target=WEB,
            action="scale_deployment",
            parameters={"replicas": 2},
            at=clock.ago(600),
            replicas_before=5,
            replicas_after=2,
        )
    )
    validator = make_validator()
    up = propose("scale_deployment", "Deployment", "shop", "web", replicas=4)
    down = propose("scale_deployment", "Deployment", "shop", "web", replicas=1)

    reversal = await validator.validate(up, confidence=0.95, step_key="k1")
    same_way = await validator.validate(down, confidence=0.95, step_key="k2")
    clock.advance(1201)
    outside_window = await validator.validate(up, confidence=0.95, step_key="k3")

    assert reversal.decision.reasons == [
        "oscillation: flapping: Deployment shop/web went 5 -> 2 replicas 600 s ago "
        "(scale_deployment) and 2 -> 4 would reverse it within "
        "cooldown.oscillation.window (1800 s)"
    ]
    assert same_way.decision.verdict is Verdict.ALLOW, same_way.decision.reasons
    assert outside_window.decision.verdict is Verdict.ALLOW, outside_window.decision.reasons
    assert check_of(outside_window, "oscillation").detail == (
        "no scale of Deployment shop/web in the last 1800 s"
    )


async def test_the_global_rate_counts_every_action_in_the_window(
    cluster: Simulator,
    make_validator: MakeValidator,
    history: InMemoryHistory,
    clock: FakeClock,
) -> None:
    for index in range(3):
        other = ResourceRef(kind="Deployment", namespace="shop", name=f"other-{index}")
        await history.record(
            HistoryEntry(target=other, action="restart_deployment", at=clock.ago(500 - index))
        )
    validator = make_validator(rate={"maxActions": 3, "windowSeconds": 600})
    scale = propose("scale_deployment", "Deployment", "shop", "web", replicas=3)

    at_limit = await validator.validate(scale, confidence=0.95, step_key="k1")
    sent_for_the_denial = cluster.request_log.records()
    clock.advance(101)
    one_expired = await validator.validate(scale, confidence=0.95, step_key="k2")

    assert at_limit.decision.reasons == [
        "rate: 3 actions in the last 600 s reach rate.maxActions (3); wait or raise the limit"
    ]
    assert sent_for_the_denial == []
    assert one_expired.decision.verdict is Verdict.ALLOW, one_expired.decision.reasons
    assert check_of(one_expired, "rate").detail == "2 of 3 actions used in the last 600 s"
