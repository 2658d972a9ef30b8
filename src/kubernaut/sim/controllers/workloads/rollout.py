"""Deployment rollout arithmetic: surge and unavailability budgets, replica set sizing.

Pure functions over stored Deployment and ReplicaSet dicts; the controller applies the
sizes they plan. They follow the real deployment controller's rules, so a simulated
rollout advances (and gets stuck) in the same steps as a real one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from kubernaut.sim.controllers.workloads.pods import creation_key
from kubernaut.sim.objects import Obj, annotations_of

DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"

Plan = list[tuple[Obj, int]]
"""(replica set, new spec.replicas) in the order to apply them."""


def int_or_percent(value: int | str | None, total: int, *, round_up: bool) -> int:
    """An IntOrString against ``total``: percentages round up for surge, down otherwise."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    text = value.strip()
    if not text.endswith("%"):
        return int(text)
    scaled = int(text[:-1]) * total / 100
    return math.ceil(scaled) if round_up else math.floor(scaled)


def spec_replicas(obj: Obj | None) -> int:
    if obj is None:
        return 0
    return int(obj.get("spec", {}).get("replicas", 1))


def status_count(obj: Obj | None, field: str) -> int:
    if obj is None:
        return 0
    return int(obj.get("status", {}).get(field) or 0)


def total_spec(replica_sets: Iterable[Obj | None]) -> int:
    return sum(spec_replicas(rs) for rs in replica_sets)


def total_status(replica_sets: Iterable[Obj | None], field: str) -> int:
    return sum(status_count(rs, field) for rs in replica_sets)


def active(replica_sets: Iterable[Obj | None]) -> list[Obj]:
    return [rs for rs in replica_sets if rs is not None and spec_replicas(rs) > 0]


def is_rolling(deployment: Obj) -> bool:
    strategy = deployment.get("spec", {}).get("strategy") or {}
    return str(strategy.get("type", "RollingUpdate")) == "RollingUpdate"


def fenceposts(deployment: Obj) -> tuple[int, int]:
    """(maxSurge, maxUnavailable) in pods; both zero is not allowed, so unavailable becomes 1."""
    spec = deployment.get("spec", {})
    rolling = (spec.get("strategy") or {}).get("rollingUpdate") or {}
    desired = spec_replicas(deployment)
    surge = int_or_percent(rolling.get("maxSurge", "25%"), desired, round_up=True)
    unavailable = int_or_percent(rolling.get("maxUnavailable", "25%"), desired, round_up=False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def max_surge(deployment: Obj) -> int:
    return fenceposts(deployment)[0] if is_rolling(deployment) else 0


def max_unavailable(deployment: Obj) -> int:
    desired = spec_replicas(deployment)
    if not is_rolling(deployment) or desired == 0:
        return 0
    return min(fenceposts(deployment)[1], desired)


def new_replica_set_size(deployment: Obj, all_sets: list[Obj | None], new_set: Obj | None) -> int:
    """How big the new replica set may grow now without exceeding the surge budget."""
    desired = spec_replicas(deployment)
    if not is_rolling(deployment):
        return desired
    current = spec_replicas(new_set)
    room = desired + max_surge(deployment) - total_spec(all_sets)
    if room <= 0:
        return current
    return current + min(room, desired - current)


def unhealthy_cleanup(old_sets: list[Obj], budget: int) -> Plan:
    """Scale away old replicas that are not available anyway, oldest set first."""
    plan: Plan = []
    removed = 0
    for rs in sorted(old_sets, key=creation_key):
        if removed >= budget:
            break
        replicas = spec_replicas(rs)
        unhealthy = replicas - status_count(rs, "availableReplicas")
        if replicas == 0 or unhealthy <= 0:
            continue
        count = min(budget - removed, unhealthy)
        plan.append((rs, replicas - count))
        removed += count
    return plan


def old_scale_down(deployment: Obj, all_sets: list[Obj | None], old_sets: list[Obj]) -> Plan:
    """Scale old sets down as far as availability allows, oldest first."""
    min_available = spec_replicas(deployment) - max_unavailable(deployment)
    surplus = total_status(all_sets, "availableReplicas") - min_available
    plan: Plan = []
    for rs in sorted(old_sets, key=creation_key):
        if surplus <= 0:
            break
        replicas = spec_replicas(rs)
        if replicas == 0:
            continue
        count = min(replicas, surplus)
        plan.append((rs, replicas - count))
        surplus -= count
    return plan


def old_scale_down_budget(deployment: Obj, all_sets: list[Obj | None], new_set: Obj | None) -> int:
    """How many old pods may go now, given the new set's not-yet-available pods."""
    min_available = spec_replicas(deployment) - max_unavailable(deployment)
    new_unavailable = spec_replicas(new_set) - status_count(new_set, "availableReplicas")
    return total_spec(all_sets) - min_available - new_unavailable


def is_saturated(deployment: Obj, rs: Obj | None) -> bool:
    """The new set runs (and announces) the full desired size, all of it available."""
    if rs is None:
        return False
    desired = spec_replicas(deployment)
    return (
        annotations_of(rs).get(DESIRED_REPLICAS) == str(desired)
        and spec_replicas(rs) == desired
        and status_count(rs, "availableReplicas") == desired
    )


def active_or_latest(new_set: Obj | None, old_sets: list[Obj]) -> Obj | None:
    """The only active set, else the newest set when none is active, else None."""
    newest_first = sorted(old_sets, key=creation_key, reverse=True)
    running = active([*newest_first, new_set])
    if len(running) == 1:
        return running[0]
    if running:
        return None
    return new_set if new_set is not None else (newest_first[0] if newest_first else None)


def _round_half_away(value: float) -> int:
    return int(math.copysign(math.floor(abs(value) + 0.5), value))


def _share(rs: Obj, deployment: Obj, status_replicas: int, to_add: int, added: int) -> int:
    """This set's part of a scaling change, in proportion to its size before the change."""
    replicas = spec_replicas(rs)
    if replicas == 0 or to_add == 0 or to_add == added:
        return 0
    desired = spec_replicas(deployment)
    if desired == 0:
        fraction = -replicas
    else:
        annotated_text = annotations_of(rs).get(MAX_REPLICAS)
        annotated = int(annotated_text) if annotated_text else status_replicas
        if annotated == 0:
            return 0
        target = replicas * (desired + max_surge(deployment)) / annotated
        fraction = _round_half_away(target) - replicas
    allowed = to_add - added
    return min(fraction, allowed) if to_add > 0 else max(fraction, allowed)


def proportional_sizes(
    deployment: Obj, new_set: Obj | None, old_sets: list[Obj], status_replicas: int
) -> Plan:
    """Spread a change of ``spec.replicas`` over the active sets of a rollout in progress."""
    running = active([*old_sets, new_set])
    desired = spec_replicas(deployment)
    allowed = desired + max_surge(deployment) if desired > 0 else 0
    to_add = allowed - total_spec(running)
    # Largest first; among equals the newest when growing, the oldest when shrinking.
    running.sort(key=creation_key, reverse=to_add > 0)
    running.sort(key=spec_replicas, reverse=True)
    sizes: list[int] = []
    added = 0
    for rs in running:
        share = _share(rs, deployment, status_replicas, to_add, added)
        sizes.append(spec_replicas(rs) + share)
        added += share
    if running and to_add:
        sizes[0] = max(sizes[0] + to_add - added, 0)
    return list(zip(running, sizes, strict=True))
