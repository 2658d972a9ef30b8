"""The stateful set controller: pods with stable names, ordered rollouts, per-pod claims.

Pods are ``<set>-<ordinal>``. With ``OrderedReady`` the next ordinal is created only
once every lower one is running and ready, scale-down removes the highest ordinal first
and waits for it; ``Parallel`` does both without waiting. Claims from
``volumeClaimTemplates`` are created once per ordinal and kept on scale-down. A
``RollingUpdate`` replaces pods of older revisions from the highest ordinal down (to
``partition``), one at a time, each after the previous one is ready again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from kubernaut.sim.controllers.base import BaseController
from kubernaut.sim.controllers.manager import Key, Mapper, controller_owner, same_object
from kubernaut.sim.controllers.workloads.conditions import omit_zero
from kubernaut.sim.controllers.workloads.pods import (
    is_running_and_ready,
    owned,
    phase,
    pod_from_template,
    seconds_until_available,
)
from kubernaut.sim.controllers.workloads.revisions import (
    CONTROLLER_REVISION_HASH,
    History,
    RevisionKeeper,
    template_of,
)
from kubernaut.sim.controllers.workloads.rollout import spec_replicas
from kubernaut.sim.errors import ApiError
from kubernaut.sim.objects import (
    Obj,
    deep_copy,
    is_deleting,
    labels_of,
    name_of,
    namespace_of,
    owner_reference,
)

if TYPE_CHECKING:
    from kubernaut.sim.cluster import Cluster

POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name"
POD_INDEX_LABEL = "apps.kubernetes.io/pod-index"
_REVISION_HASH_LABEL = "controller.kubernetes.io/hash"
_OPTIONAL_FIELDS = ("readyReplicas", "currentReplicas", "updatedReplicas", "observedGeneration")


def _healthy(pod: Obj | None) -> bool:
    return pod is not None and is_running_and_ready(pod) and not is_deleting(pod)


@dataclass
class _Pass:
    """What one reconcile knows about a set: its pods by ordinal and its revisions."""

    stateful_set: Obj
    history: History
    current: Obj
    pods: dict[int, Obj]
    now: datetime

    @property
    def ordered(self) -> bool:
        return str(self.stateful_set["spec"].get("podManagementPolicy")) != "Parallel"

    @property
    def rolling(self) -> bool:
        strategy = self.stateful_set["spec"].get("updateStrategy") or {}
        return str(strategy.get("type", "RollingUpdate")) == "RollingUpdate"

    @property
    def partition(self) -> int:
        strategy = self.stateful_set["spec"].get("updateStrategy") or {}
        return int((strategy.get("rollingUpdate") or {}).get("partition") or 0)

    def revision_for(self, ordinal: int) -> Obj:
        """Ordinals below the partition stay on the current revision."""
        if self.rolling and ordinal < self.partition:
            return self.current
        return self.history.update


class StatefulSetController(BaseController):
    name = "statefulset-controller"

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.sets = self.kind("apps/v1", "StatefulSet")
        self.pods = self.kind("v1", "Pod")
        self.claims = self.kind("v1", "PersistentVolumeClaim")
        self.history = RevisionKeeper(self, _REVISION_HASH_LABEL)

    def watches(self) -> Iterable[tuple[str, Mapper]]:
        return [(self.sets.key, same_object), (self.pods.key, controller_owner("StatefulSet"))]

    def reconcile(self, key: Key) -> float | None:
        stateful_set = self.store.peek(self.sets, *key)
        if stateful_set is None or is_deleting(stateful_set):
            return None
        history = self.history.sync(stateful_set)
        status = stateful_set.get("status") or {}
        current = history.find(status.get("currentRevision")) or history.update
        pattern = re.compile(rf"{re.escape(name_of(stateful_set))}-(\d+)")
        pods: dict[int, Obj] = {}
        for pod in owned(self.store, self.pods, stateful_set):
            match = pattern.fullmatch(name_of(pod))
            if match:
                pods[int(match.group(1))] = pod
        work = _Pass(stateful_set, history, current, pods, self.clock.now())
        wait = self._update_pods(work)
        fresh = [
            pod
            for pod in owned(self.store, self.pods, stateful_set)
            if pattern.fullmatch(name_of(pod))
        ]
        self._write_status(work, fresh)
        live = {name_of(current), name_of(history.update)} | {
            labels_of(pod).get(CONTROLLER_REVISION_HASH, "") for pod in fresh
        }
        self.history.truncate(stateful_set, history, live)
        return wait

    # -- pods ---------------------------------------------------------------------------

    def _update_pods(self, work: _Pass) -> float | None:
        """Create, delete and replace pods; seconds until an availability recheck, if any."""
        replicas = spec_replicas(work.stateful_set)
        min_ready = int(work.stateful_set["spec"].get("minReadySeconds") or 0)
        waits: list[float] = []
        for ordinal in range(replicas):
            pod = work.pods.get(ordinal)
            if pod is not None and phase(pod) == "Failed" and not is_deleting(pod):
                pod = self._recreate_failed(work, pod)
            if pod is None:
                self._create_pod(work, ordinal)
                if work.ordered:
                    return None
                continue
            self._ensure_claims(work, ordinal)
            if not _healthy(pod):
                if work.ordered:
                    return None
                continue
            wait = seconds_until_available(pod, min_ready, work.now)
            if wait:
                if work.ordered:
                    return wait
                waits.append(wait)
        if self._scale_down(work, replicas) and work.rolling:
            self._roll(work, replicas)
        return min(waits, default=None)

    def _scale_down(self, work: _Pass, replicas: int) -> bool:
        """Remove ordinals past ``replicas``; True when nothing is left to wait for."""
        condemned = sorted((o for o in work.pods if o >= replicas), reverse=True)
        candidates = [work.pods.get(o) for o in range(replicas)] + [work.pods[o] for o in condemned]
        first_unhealthy = next((pod for pod in candidates if not _healthy(pod)), None)
        for ordinal in condemned:
            pod = work.pods[ordinal]
            if is_deleting(pod):
                if work.ordered:
                    return False
                continue
            if work.ordered and first_unhealthy is not None and first_unhealthy is not pod:
                return False
            self._delete_pod(work, pod)
            if work.ordered:
                return False
        return True

    def _roll(self, work: _Pass, replicas: int) -> None:
        """Replace one outdated pod, highest ordinal first, once all above it are healthy."""
        update_name = name_of(work.history.update)
        for ordinal in range(replicas - 1, work.partition - 1, -1):
            pod = work.pods.get(ordinal)
            if pod is None:
                return
            if labels_of(pod).get(CONTROLLER_REVISION_HASH) != update_name and not is_deleting(pod):
                self._delete_pod(work, pod)
                return
            if not _healthy(pod):
                return

    def _recreate_failed(self, work: _Pass, pod: Obj) -> Obj | None:
        set_name = name_of(work.stateful_set)
        self.event(
            work.stateful_set,
            "Warning",
            "RecreatingFailedPod",
            f"StatefulSet {namespace_of(pod)}/{set_name} is recreating failed Pod {name_of(pod)}",
        )
        self._delete_pod(work, pod)
        return self.store.peek(self.pods, namespace_of(pod), name_of(pod))

    def _create_pod(self, work: _Pass, ordinal: int) -> None:
        stateful_set = work.stateful_set
        if not self._ensure_claims(work, ordinal):
            return
        revision = work.revision_for(ordinal)
        pod_name = f"{name_of(stateful_set)}-{ordinal}"
        manifest = pod_from_template(
            template_of(revision),
            stateful_set,
            name=pod_name,
            labels={
                POD_NAME_LABEL: pod_name,
                POD_INDEX_LABEL: str(ordinal),
                CONTROLLER_REVISION_HASH: name_of(revision),
            },
        )
        spec = manifest["spec"]
        spec["hostname"] = pod_name
        if stateful_set["spec"].get("serviceName"):
            spec["subdomain"] = stateful_set["spec"]["serviceName"]
        claim_volumes = [
            {
                "name": claim_name,
                "persistentVolumeClaim": {"claimName": f"{claim_name}-{pod_name}"},
            }
            for claim_name in self._claim_template_names(stateful_set)
        ]
        if claim_volumes:
            taken = {volume["name"] for volume in claim_volumes}
            others = [v for v in spec.get("volumes") or [] if v.get("name") not in taken]
            spec["volumes"] = claim_volumes + others
        try:
            self.store.create(self.pods, manifest)
        except ApiError as error:
            self.event(
                stateful_set,
                "Warning",
                "FailedCreate",
                f"create Pod {pod_name} in StatefulSet {name_of(stateful_set)} failed error: "
                f"{error.message}",
            )
            return
        self.event(
            stateful_set,
            "Normal",
            "SuccessfulCreate",
            f"create Pod {pod_name} in StatefulSet {name_of(stateful_set)} successful",
        )

    def _delete_pod(self, work: _Pass, pod: Obj) -> None:
        try:
            self.store.delete(self.pods, namespace_of(pod), name_of(pod))
        except ApiError:
            return
        self.event(
            work.stateful_set,
            "Normal",
            "SuccessfulDelete",
            f"delete Pod {name_of(pod)} in StatefulSet {name_of(work.stateful_set)} successful",
        )

    @staticmethod
    def _claim_template_names(stateful_set: Obj) -> list[str]:
        return [
            str(template.get("metadata", {}).get("name", ""))
            for template in stateful_set["spec"].get("volumeClaimTemplates") or []
        ]

    def _ensure_claims(self, work: _Pass, ordinal: int) -> bool:
        """Create the ordinal's missing claims; False if one could not be created."""
        stateful_set = work.stateful_set
        set_name = name_of(stateful_set)
        pod_name = f"{set_name}-{ordinal}"
        selector_labels = (stateful_set["spec"].get("selector") or {}).get("matchLabels") or {}
        retention = stateful_set["spec"].get("persistentVolumeClaimRetentionPolicy") or {}
        for template in stateful_set["spec"].get("volumeClaimTemplates") or []:
            template_meta = template.get("metadata") or {}
            claim_name = f"{template_meta.get('name', '')}-{pod_name}"
            if self.store.peek(self.claims, namespace_of(stateful_set), claim_name) is not None:
                continue
            metadata: Obj = {
                "name": claim_name,
                "namespace": namespace_of(stateful_set),
                "labels": {**(template_meta.get("labels") or {}), **selector_labels},
            }
            if template_meta.get("annotations"):
                metadata["annotations"] = dict(template_meta["annotations"])
            if retention.get("whenDeleted") == "Delete":
                metadata["ownerReferences"] = [owner_reference(stateful_set)]
            claim = {"metadata": metadata, "spec": deep_copy(template.get("spec") or {})}
            try:
                self.store.create(self.claims, claim)
            except ApiError as error:
                self.event(
                    stateful_set,
                    "Warning",
                    "FailedCreate",
                    f"create Claim {claim_name} for Pod {pod_name} in StatefulSet {set_name} "
                    f"failed error: {error.message}",
                )
                return False
            self.event(
                stateful_set,
                "Normal",
                "SuccessfulCreate",
                f"create Claim {claim_name} Pod {pod_name} in StatefulSet {set_name} success",
            )
        return True

    # -- status -------------------------------------------------------------------------

    def _write_status(self, work: _Pass, pods: list[Obj]) -> None:
        stateful_set = work.stateful_set
        min_ready = int(stateful_set["spec"].get("minReadySeconds") or 0)
        current_name = name_of(work.current)
        update_name = name_of(work.history.update)
        live = [pod for pod in pods if not is_deleting(pod)]
        status: Obj = {
            "observedGeneration": stateful_set["metadata"].get("generation", 1),
            "replicas": len(pods),
            "readyReplicas": sum(1 for pod in pods if is_running_and_ready(pod)),
            "currentReplicas": sum(
                1 for pod in live if labels_of(pod).get(CONTROLLER_REVISION_HASH) == current_name
            ),
            "updatedReplicas": sum(
                1 for pod in live if labels_of(pod).get(CONTROLLER_REVISION_HASH) == update_name
            ),
            "availableReplicas": sum(
                1
                for pod in pods
                if is_running_and_ready(pod)
                and seconds_until_available(pod, min_ready, work.now) == 0.0
            ),
            "currentRevision": current_name,
            "updateRevision": update_name,
            "collisionCount": work.history.collision_count,
        }
        replicas = status["replicas"]
        if (
            work.rolling
            and status["updatedReplicas"] == replicas
            and status["readyReplicas"] == replicas
        ):
            status["currentRevision"] = update_name
            status["currentReplicas"] = status["updatedReplicas"]
        omit_zero(status, _OPTIONAL_FIELDS)

        def change(obj: Obj) -> None:
            obj["status"] = status

        self.store.mutate(self.sets, namespace_of(stateful_set), name_of(stateful_set), change)
