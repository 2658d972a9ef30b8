"""The daemon set controller: one pod on every node the pod template fits.

Each pass decides per node whether a daemon pod should run there (node selector,
required node affinity, taints against the template's tolerations plus the ones daemon
pods always get), creates the missing pods already bound to their node, deletes pods
where they may not stay, and rolls pods of older template revisions over within
``maxUnavailable`` (or ``maxSurge``, starting the new pod before stopping the old one).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kubernaut.sim.controllers.base import BaseController
from kubernaut.sim.controllers.manager import Key, Mapper, controller_owner, same_object
from kubernaut.sim.controllers.workloads.conditions import omit_zero
from kubernaut.sim.controllers.workloads.placement import (
    add_daemon_tolerations,
    node_taints,
    pin_to_node,
    placement,
)
from kubernaut.sim.controllers.workloads.pods import (
    creation_key,
    is_ready,
    owned,
    phase,
    pod_from_template,
    seconds_until_available,
)
from kubernaut.sim.controllers.workloads.revisions import (
    CONTROLLER_REVISION_HASH,
    RevisionKeeper,
    hash_of,
)
from kubernaut.sim.controllers.workloads.rollout import int_or_percent
from kubernaut.sim.errors import ApiError
from kubernaut.sim.objects import Obj, deep_copy, is_deleting, labels_of, name_of, namespace_of
from kubernaut.sim.podutil import set_condition
from kubernaut.sim.store import StoreEvent

if TYPE_CHECKING:
    from kubernaut.sim.cluster import Cluster

TEMPLATE_GENERATION = "pod-template-generation"
_OPTIONAL_FIELDS = ("updatedNumberScheduled", "numberAvailable", "numberUnavailable")


@dataclass
class _NodePlan:
    node: Obj
    should_run: bool
    should_continue: bool
    pods: list[Obj] = field(default_factory=list)
    """Daemon pods bound to the node, oldest first."""

    @property
    def live(self) -> list[Obj]:
        return [pod for pod in self.pods if not is_deleting(pod)]


def _node_facts(node: Obj) -> tuple[object, ...]:
    """What a daemon set's placement depends on, to ignore irrelevant node updates."""
    return (labels_of(node), node_taints(node))


class DaemonSetController(BaseController):
    name = "daemonset-controller"

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.daemonsets = self.kind("apps/v1", "DaemonSet")
        self.pods = self.kind("v1", "Pod")
        self.nodes = self.kind("v1", "Node")
        self.history = RevisionKeeper(self, CONTROLLER_REVISION_HASH)

    def watches(self) -> Iterable[tuple[str, Mapper]]:
        return [
            (self.daemonsets.key, same_object),
            (self.pods.key, controller_owner("DaemonSet")),
            (self.nodes.key, self._all_daemon_sets),
        ]

    def _all_daemon_sets(self, event: StoreEvent) -> list[Key]:
        if event.old is not None and _node_facts(event.old) == _node_facts(event.object):
            return []
        return [(namespace_of(ds), name_of(ds)) for ds in self.store.scan(self.daemonsets)]

    def reconcile(self, key: Key) -> float | None:
        daemon_set = self.store.peek(self.daemonsets, *key)
        if daemon_set is None or is_deleting(daemon_set):
            return None
        history = self.history.sync(daemon_set)
        update_hash = hash_of(history.update)
        plans, strays = self._plan(daemon_set)
        for pod in strays:
            self._delete(daemon_set, pod)
        self._manage(daemon_set, plans, update_hash)
        self._roll(daemon_set, self._plan(daemon_set)[0], update_hash)
        plans = self._plan(daemon_set)[0]
        wait = self._write_status(daemon_set, plans, update_hash, history.collision_count)
        live = {name_of(history.update)} | {
            f"{name_of(daemon_set)}-{labels_of(pod).get(CONTROLLER_REVISION_HASH, '')}"
            for plan in plans.values()
            for pod in plan.pods
        }
        self.history.truncate(daemon_set, history, live)
        return wait

    def _template_spec(self, daemon_set: Obj) -> Obj:
        spec = deep_copy((daemon_set["spec"].get("template") or {}).get("spec") or {})
        add_daemon_tolerations(spec)
        return spec

    def _plan(self, daemon_set: Obj) -> tuple[dict[str, _NodePlan], list[Obj]]:
        """Per node: where the pod fits and the daemon pods there; plus pods of gone nodes."""
        pod_spec = self._template_spec(daemon_set)
        plans: dict[str, _NodePlan] = {}
        strays: list[Obj] = []
        for node in sorted(self.store.scan(self.nodes), key=name_of):
            should_run, should_continue = placement(pod_spec, node)
            plans[name_of(node)] = _NodePlan(node, should_run, should_continue)
        for pod in sorted(owned(self.store, self.pods, daemon_set), key=creation_key):
            if phase(pod) in ("Succeeded", "Failed") and is_deleting(pod):
                continue
            node_name = pod.get("spec", {}).get("nodeName", "")
            if node_name in plans:
                plans[node_name].pods.append(pod)
            elif not is_deleting(pod):
                strays.append(pod)
        return plans, strays

    # -- pods ---------------------------------------------------------------------------

    def _manage(self, daemon_set: Obj, plans: dict[str, _NodePlan], update_hash: str) -> None:
        surge = _budgets(daemon_set, plans)[0] > 0
        for node_name, plan in plans.items():
            if plan.should_run and not plan.pods:
                self._create(daemon_set, node_name, update_hash)
            elif plan.should_continue:
                for pod in self._extra_pods(plan, update_hash, surge):
                    self._delete(daemon_set, pod)
            else:
                for pod in plan.live:
                    self._delete(daemon_set, pod)

    @staticmethod
    def _extra_pods(plan: _NodePlan, update_hash: str, surge: bool) -> list[Obj]:
        """Finished pods, and duplicates: keep the oldest (per revision, when surging)."""
        doomed = [pod for pod in plan.live if phase(pod) in ("Failed", "Succeeded")]
        running = [pod for pod in plan.live if pod not in doomed]
        if not surge:
            return doomed + running[1:]
        kept: set[bool] = set()
        for pod in running:
            updated = labels_of(pod).get(CONTROLLER_REVISION_HASH) == update_hash
            if updated in kept:
                doomed.append(pod)
            kept.add(updated)
        return doomed

    def _roll(self, daemon_set: Obj, plans: dict[str, _NodePlan], update_hash: str) -> None:
        strategy = daemon_set["spec"].get("updateStrategy") or {}
        if strategy.get("type", "RollingUpdate") != "RollingUpdate":
            return
        max_surge, max_unavailable = _budgets(daemon_set, plans)
        now = self.clock.now()
        min_ready = int(daemon_set["spec"].get("minReadySeconds") or 0)

        def available(pod: Obj) -> bool:
            return seconds_until_available(pod, min_ready, now) == 0.0

        if max_surge > 0:
            self._roll_with_surge(daemon_set, plans, update_hash, max_surge, available)
            return
        unavailable = 0
        replace_now: list[Obj] = []
        candidates: list[Obj] = []
        for plan in plans.values():
            if not plan.pods:
                continue
            new, old, clear = _split(plan.live, update_hash)
            if not clear or (new is None) == (old is None):
                unavailable += 1
            elif new is not None:
                unavailable += 0 if available(new) else 1
            elif old is not None and not available(old):
                replace_now.append(old)
            elif old is not None and unavailable < max_unavailable:
                candidates.append(old)
        room = min(max(max_unavailable - unavailable, 0), len(candidates))
        for pod in replace_now + candidates[:room]:
            self._delete(daemon_set, pod)

    def _roll_with_surge(
        self,
        daemon_set: Obj,
        plans: dict[str, _NodePlan],
        update_hash: str,
        max_surge: int,
        available: Callable[[Obj], bool],
    ) -> None:
        surging = 0
        start_now: list[str] = []
        candidates: list[str] = []
        for node_name, plan in plans.items():
            new, old, clear = _split(plan.live, update_hash)
            if not clear or old is None:
                continue
            if new is None:
                (candidates if available(old) else start_now).append(node_name)
                continue
            surging += 1
            if available(new):
                self._delete(daemon_set, old)
        room = min(max(max_surge - surging, 0), len(candidates))
        for node_name in start_now + candidates[:room]:
            self._create(daemon_set, node_name, update_hash)

    def _create(self, daemon_set: Obj, node_name: str, update_hash: str) -> None:
        template = deep_copy(daemon_set["spec"].get("template") or {})
        template["spec"] = self._template_spec(daemon_set)
        pin_to_node(template["spec"], node_name)
        labels = {
            CONTROLLER_REVISION_HASH: update_hash,
            TEMPLATE_GENERATION: str(daemon_set["metadata"].get("generation", 1)),
        }
        manifest = pod_from_template(template, daemon_set, labels=labels)
        try:
            pod = self.store.create(self.pods, manifest)
        except ApiError as error:
            self.event(daemon_set, "Warning", "FailedCreate", f"Error creating: {error.message}")
            return
        stamp = self.clock.timestamp()
        self.store.mutate(
            self.pods,
            namespace_of(pod),
            name_of(pod),
            lambda p: set_condition(p, "PodScheduled", "True", stamp),
        )
        self.event(daemon_set, "Normal", "SuccessfulCreate", f"Created pod: {name_of(pod)}")

    def _delete(self, daemon_set: Obj, pod: Obj) -> None:
        try:
            self.store.delete(self.pods, namespace_of(pod), name_of(pod))
        except ApiError:
            return
        self.event(daemon_set, "Normal", "SuccessfulDelete", f"Deleted pod: {name_of(pod)}")

    # -- status -------------------------------------------------------------------------

    def _write_status(
        self, daemon_set: Obj, plans: dict[str, _NodePlan], update_hash: str, collisions: int
    ) -> float | None:
        now = self.clock.now()
        min_ready = int(daemon_set["spec"].get("minReadySeconds") or 0)
        desired = current = ready = available = updated = misscheduled = 0
        waits: list[float] = []
        for plan in plans.values():
            if not plan.should_run:
                misscheduled += 1 if plan.pods else 0
                continue
            desired += 1
            if not plan.pods:
                continue
            current += 1
            pod = plan.pods[0]
            ready += 1 if is_ready(pod) else 0
            wait = seconds_until_available(pod, min_ready, now)
            if wait == 0.0:
                available += 1
            elif wait is not None:
                waits.append(wait)
            if labels_of(pod).get(CONTROLLER_REVISION_HASH) == update_hash:
                updated += 1
        status: Obj = {
            "currentNumberScheduled": current,
            "numberMisscheduled": misscheduled,
            "desiredNumberScheduled": desired,
            "numberReady": ready,
            "observedGeneration": daemon_set["metadata"].get("generation", 1),
            "updatedNumberScheduled": updated,
            "numberAvailable": available,
            "numberUnavailable": desired - available,
        }
        if collisions:
            status["collisionCount"] = collisions
        omit_zero(status, _OPTIONAL_FIELDS)

        def change(obj: Obj) -> None:
            obj["status"] = status

        self.store.mutate(self.daemonsets, namespace_of(daemon_set), name_of(daemon_set), change)
        return min(waits, default=None)


def _budgets(daemon_set: Obj, plans: dict[str, _NodePlan]) -> tuple[int, int]:
    """(maxSurge, maxUnavailable) in nodes; percentages of the desired nodes round up."""
    strategy = daemon_set["spec"].get("updateStrategy") or {}
    rolling = strategy.get("rollingUpdate") or {}
    desired = sum(1 for plan in plans.values() if plan.should_run)
    surge = int_or_percent(rolling.get("maxSurge", 0), desired, round_up=True)
    unavailable = int_or_percent(rolling.get("maxUnavailable", 1), desired, round_up=True)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def _split(pods: list[Obj], update_hash: str) -> tuple[Obj | None, Obj | None, bool]:
    """(the updated pod, the old pod, whether there is at most one of each) on a node."""
    new = old = None
    for pod in pods:
        if labels_of(pod).get(CONTROLLER_REVISION_HASH) == update_hash:
            if new is not None:
                return None, None, False
            new = pod
        else:
            if old is not None:
                return None, None, False
            old = pod
    return new, old, True
