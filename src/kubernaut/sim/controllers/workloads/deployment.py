"""The deployment controller: replica sets per pod template, rolled out and scaled.

One reconcile mirrors one sync of the real controller: find the replica set whose
template is the deployment's (creating it when a rollout needs it), move replicas from
the old sets to it within the surge and unavailability budgets (or all at once for
``Recreate``), spread scaling changes proportionally, prune old sets beyond
``revisionHistoryLimit`` and write the status with its Available and Progressing
conditions. The replica set controller does the pod work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from kubernaut.sim.controllers.base import BaseController
from kubernaut.sim.controllers.manager import Key, Mapper, controller_owner, same_object
from kubernaut.sim.controllers.workloads.conditions import (
    find_condition,
    remove_condition,
    set_condition,
)
from kubernaut.sim.controllers.workloads.deployment_status import (
    PROGRESSING,
    TIMED_OUT,
    calculate_status,
    estimate_progress,
    is_complete,
    new_condition,
    progress_deadline,
    seconds_until_deadline,
)
from kubernaut.sim.controllers.workloads.hashing import short_hash
from kubernaut.sim.controllers.workloads.pods import creation_key, is_terminal, owned
from kubernaut.sim.controllers.workloads.revision_annotations import (
    POD_TEMPLATE_HASH,
    REVISION,
    find_new_replica_set,
    max_revision,
    revision_of,
    set_replica_annotations,
    sync_new_annotations,
    template_without_hash,
)
from kubernaut.sim.controllers.workloads.rollout import (
    DESIRED_REPLICAS,
    active,
    active_or_latest,
    is_rolling,
    is_saturated,
    max_surge,
    new_replica_set_size,
    old_scale_down,
    old_scale_down_budget,
    proportional_sizes,
    spec_replicas,
    status_count,
    total_spec,
    total_status,
    unhealthy_cleanup,
)
from kubernaut.sim.errors import ApiError
from kubernaut.sim.objects import (
    Obj,
    annotations_of,
    controller_ref,
    deep_copy,
    is_deleting,
    name_of,
    namespace_of,
    owner_reference,
)
from kubernaut.sim.store import StoreEvent

if TYPE_CHECKING:
    from kubernaut.sim.cluster import Cluster

_MAX_COLLISIONS = 5


class DeploymentController(BaseController):
    name = "deployment-controller"

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.deployments = self.kind("apps/v1", "Deployment")
        self.replicasets = self.kind("apps/v1", "ReplicaSet")
        self.pods = self.kind("v1", "Pod")

    def watches(self) -> Iterable[tuple[str, Mapper]]:
        return [
            (self.deployments.key, same_object),
            (self.replicasets.key, controller_owner("Deployment")),
            (self.pods.key, self._deployment_of_removed_pod),
        ]

    def _deployment_of_removed_pod(self, event: StoreEvent) -> list[Key]:
        """A Recreate rollout waits for old pods to be gone, which only pod events tell."""
        if event.type != "DELETED":
            return []
        ref = controller_ref(event.object)
        if ref is None or ref.get("kind") != "ReplicaSet":
            return []
        namespace = namespace_of(event.object)
        replica_set = self.store.peek(self.replicasets, namespace, ref["name"])
        owner = controller_ref(replica_set) if replica_set is not None else None
        if owner is None or owner.get("kind") != "Deployment":
            return []
        return [(namespace, owner["name"])]

    def reconcile(self, key: Key) -> float | None:
        deployment = self.store.peek(self.deployments, *key)
        if deployment is None:
            return None
        return _Sync(self, deployment).run()


class _Sync:
    """One pass over one deployment; RS writes happen as it goes, the status at the end."""

    def __init__(self, controller: DeploymentController, deployment: Obj) -> None:
        self.controller = controller
        self.store = controller.store
        self.deployment = deployment
        self.now = controller.clock.now()
        self.old_status: Obj = deployment.get("status") or {}
        self.status = deep_copy(self.old_status)
        self.sets = owned(self.store, controller.replicasets, deployment)
        self.new_set: Obj | None = None
        self.old_sets: list[Obj] = []
        self.revision = annotations_of(deployment).get(REVISION)

    @property
    def desired(self) -> int:
        return spec_replicas(self.deployment)

    def all_sets(self) -> list[Obj | None]:
        return [*self.old_sets, self.new_set]

    def run(self) -> float | None:
        if is_deleting(self.deployment):
            self.find_sets()
            return self.finish(estimate=False)
        self.check_paused()
        self.find_sets()
        paused = bool(self.deployment["spec"].get("paused"))
        if paused or self.is_scaling_event():
            self.scale()
            if paused:
                self.cleanup()
            return self.finish(estimate=False)
        if is_rolling(self.deployment):
            return self.roll()
        return self.recreate()

    # -- replica sets and revisions ----------------------------------------------------

    def find_sets(self) -> None:
        new_set = find_new_replica_set(self.deployment, self.sets)
        self.old_sets = [rs for rs in self.sets if rs is not new_set]
        if new_set is None:
            return
        revision = max_revision(self.old_sets) + 1
        min_ready = self.deployment["spec"].get("minReadySeconds")

        def change(rs: Obj) -> None:
            sync_new_annotations(
                self.deployment, rs["metadata"].setdefault("annotations", {}), revision
            )
            if min_ready:
                rs["spec"]["minReadySeconds"] = min_ready
            else:
                rs["spec"].pop("minReadySeconds", None)

        self.new_set = self._write_set(new_set, change)
        self.revision = annotations_of(self.new_set).get(REVISION)
        if progress_deadline(self.deployment) is not None and (
            find_condition(self.status, PROGRESSING) is None
        ):
            message = f'Found new replica set "{name_of(self.new_set)}"'
            set_condition(
                self.status,
                new_condition(PROGRESSING, "True", "FoundNewReplicaSet", message, self.now),
            )

    def create_new_set(self) -> None:
        """Create the replica set for the current template, named after its hash."""
        deployment = self.deployment
        template = template_without_hash(deployment["spec"].get("template") or {})
        revision = max_revision(self.old_sets) + 1
        size = new_replica_set_size(deployment, self.all_sets(), None)
        collisions = int(self.status.get("collisionCount") or 0)
        for _ in range(_MAX_COLLISIONS):
            pod_hash = short_hash(template, collisions)
            manifest = self._replica_set_manifest(template, pod_hash, revision, size)
            try:
                self.new_set = self.store.create(self.controller.replicasets, manifest)
                break
            except ApiError as error:
                if error.code != 409:
                    self._report_create_failure(name_of(manifest), error)
                    return
                # Another object has this name (a hash collision): salt the hash and retry.
                collisions += 1
                self.status["collisionCount"] = collisions
        else:
            self._report_create_failure(name_of(manifest), ApiError(409, "hash collisions"))
            return
        name = name_of(self.new_set)
        self.sets.append(self.new_set)
        if size > 0:
            self.controller.event(
                deployment,
                "Normal",
                "ScalingReplicaSet",
                f"Scaled up replica set {name} from 0 to {size}",
            )
        self.revision = str(revision)
        if progress_deadline(deployment) is not None:
            message = f'Created new replica set "{name}"'
            set_condition(
                self.status,
                new_condition(PROGRESSING, "True", "NewReplicaSetCreated", message, self.now),
            )

    def _replica_set_manifest(self, template: Obj, pod_hash: str, revision: int, size: int) -> Obj:
        deployment = self.deployment
        template = deep_copy(template)
        template.setdefault("metadata", {}).setdefault("labels", {})[POD_TEMPLATE_HASH] = pod_hash
        selector = deep_copy(deployment["spec"].get("selector") or {})
        selector.setdefault("matchLabels", {})[POD_TEMPLATE_HASH] = pod_hash
        annotations: dict[str, str] = {}
        sync_new_annotations(deployment, annotations, revision)
        set_replica_annotations(annotations, self.desired, self.desired + max_surge(deployment))
        spec: Obj = {"replicas": size, "selector": selector, "template": template}
        if deployment["spec"].get("minReadySeconds"):
            spec["minReadySeconds"] = deployment["spec"]["minReadySeconds"]
        return {
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {
                "name": f"{name_of(deployment)}-{pod_hash}",
                "namespace": namespace_of(deployment),
                "labels": dict(template["metadata"]["labels"]),
                "annotations": annotations,
                "ownerReferences": [owner_reference(deployment)],
            },
            "spec": spec,
        }

    def _report_create_failure(self, name: str, error: ApiError) -> None:
        message = f'Failed to create new replica set "{name}": {error.message}'
        self.controller.event(self.deployment, "Warning", "ReplicaSetCreateError", message)
        if progress_deadline(self.deployment) is not None:
            set_condition(
                self.status,
                new_condition(PROGRESSING, "False", "ReplicaSetCreateError", message, self.now),
            )

    def _write_set(self, rs: Obj, change: Callable[[Obj], None]) -> Obj:
        updated = self.store.mutate(
            self.controller.replicasets, namespace_of(rs), name_of(rs), change
        )
        if updated is None:
            return rs
        self.sets = [updated if item is rs else item for item in self.sets]
        self.old_sets = [updated if item is rs else item for item in self.old_sets]
        if self.new_set is rs:
            self.new_set = updated
        return updated

    def scale_set(self, rs: Obj, size: int) -> bool:
        """Resize ``rs`` (and refresh its replica annotations); True when the size changed."""
        before = spec_replicas(rs)
        deployment = self.deployment
        max_replicas = self.desired + max_surge(deployment)
        annotations = dict(annotations_of(rs))
        if before == size and not set_replica_annotations(annotations, self.desired, max_replicas):
            return False

        def change(obj: Obj) -> None:
            obj["spec"]["replicas"] = size
            set_replica_annotations(
                obj["metadata"].setdefault("annotations", {}), self.desired, max_replicas
            )

        updated = self._write_set(rs, change)
        if before == size or updated is rs:
            return False
        direction = "up" if size > before else "down"
        self.controller.event(
            deployment,
            "Normal",
            "ScalingReplicaSet",
            f"Scaled {direction} replica set {name_of(updated)} to {size} from {before}",
        )
        return True

    # -- strategies --------------------------------------------------------------------

    def is_scaling_event(self) -> bool:
        for rs in active(self.all_sets()):
            desired = annotations_of(rs).get(DESIRED_REPLICAS)
            if desired is not None and desired != str(self.desired):
                return True
        return False

    def scale(self) -> None:
        target = active_or_latest(self.new_set, self.old_sets)
        if target is not None:
            if spec_replicas(target) != self.desired:
                self.scale_set(target, self.desired)
            return
        if is_saturated(self.deployment, self.new_set):
            for rs in active(self.old_sets):
                self.scale_set(rs, 0)
            return
        if is_rolling(self.deployment):
            replicas = int(self.old_status.get("replicas") or 0)
            for rs, size in proportional_sizes(
                self.deployment, self.new_set, self.old_sets, replicas
            ):
                self.scale_set(rs, size)

    def roll(self) -> float | None:
        if self.new_set is None:
            self.create_new_set()
        if self.new_set is not None and (self.grow_new_set() or self.shrink_old_sets()):
            return self.finish(estimate=True)
        if is_complete(self.deployment, self.old_status):
            self.cleanup()
        return self.finish(estimate=True)

    def grow_new_set(self) -> bool:
        new_set = self.new_set
        assert new_set is not None
        current = spec_replicas(new_set)
        if current == self.desired:
            return False
        if current > self.desired:
            return self.scale_set(new_set, self.desired)
        return self.scale_set(
            new_set, new_replica_set_size(self.deployment, self.all_sets(), new_set)
        )

    def shrink_old_sets(self) -> bool:
        if total_spec(self.old_sets) == 0:
            return False
        budget = old_scale_down_budget(self.deployment, self.all_sets(), self.new_set)
        if budget <= 0:
            return False
        scaled = False
        for rs, size in unhealthy_cleanup(self.old_sets, budget):
            scaled = self.scale_set(rs, size) or scaled
        for rs, size in old_scale_down(self.deployment, self.all_sets(), self.old_sets):
            scaled = self.scale_set(rs, size) or scaled
        return scaled

    def recreate(self) -> float | None:
        scaled = False
        for rs in active(self.old_sets):
            scaled = self.scale_set(rs, 0) or scaled
        if scaled or self.old_pods_running():
            return self.finish(estimate=True)
        if self.new_set is None:
            self.create_new_set()
        if self.new_set is not None and self.scale_set(self.new_set, self.desired):
            return self.finish(estimate=True)
        if is_complete(self.deployment, self.old_status):
            self.cleanup()
        return self.finish(estimate=True)

    def old_pods_running(self) -> bool:
        if total_status(self.old_sets, "replicas") > 0:
            return True
        pods = self.controller.pods
        return any(
            not is_terminal(pod) for rs in self.old_sets for pod in owned(self.store, pods, rs)
        )

    def cleanup(self) -> None:
        """Delete the oldest idle replica sets beyond ``revisionHistoryLimit``."""
        limit = self.deployment["spec"].get("revisionHistoryLimit")
        if limit is None:
            return
        candidates = [rs for rs in self.old_sets if not is_deleting(rs)]
        excess = len(candidates) - int(limit)
        if excess <= 0:
            return
        candidates.sort(key=lambda rs: (revision_of(rs), creation_key(rs)))
        for rs in candidates[:excess]:
            observed = int(rs.get("status", {}).get("observedGeneration") or 0)
            if (
                status_count(rs, "replicas")
                or spec_replicas(rs)
                or int(rs["metadata"].get("generation", 1)) > observed
            ):
                continue
            try:
                self.store.delete(self.controller.replicasets, namespace_of(rs), name_of(rs))
            except ApiError:
                continue
            self.old_sets = [item for item in self.old_sets if item is not rs]

    # -- status --------------------------------------------------------------------------

    def check_paused(self) -> None:
        """Mark pauses so that time spent paused never counts against the progress deadline."""
        if progress_deadline(self.deployment) is None:
            return
        condition = find_condition(self.status, PROGRESSING)
        if condition is not None and condition.get("reason") == TIMED_OUT:
            return
        marked = condition is not None and condition.get("reason") == "DeploymentPaused"
        paused = bool(self.deployment["spec"].get("paused"))
        if paused and not marked:
            set_condition(
                self.status,
                new_condition(
                    PROGRESSING, "Unknown", "DeploymentPaused", "Deployment is paused", self.now
                ),
            )
        elif marked and not paused:
            set_condition(
                self.status,
                new_condition(
                    PROGRESSING, "Unknown", "DeploymentResumed", "Deployment is resumed", self.now
                ),
            )

    def replica_failure(self, status: Obj) -> None:
        """Surface a replica set's ReplicaFailure (quota, admission) on the deployment."""
        for rs in [self.new_set, *self.old_sets]:
            failure = find_condition((rs or {}).get("status") or {}, "ReplicaFailure")
            if failure is not None and failure.get("status") == "True":
                stamp = failure.get("lastTransitionTime", "")
                set_condition(
                    status,
                    {
                        "type": "ReplicaFailure",
                        "status": "True",
                        "lastUpdateTime": stamp,
                        "lastTransitionTime": stamp,
                        "reason": failure.get("reason", ""),
                        "message": failure.get("message", ""),
                    },
                )
                return
        remove_condition(status, "ReplicaFailure")

    def finish(self, *, estimate: bool) -> float | None:
        deployment = self.deployment
        status = calculate_status(deployment, self.all_sets(), self.new_set, self.status, self.now)
        if estimate:
            estimate_progress(deployment, self.old_status, status, self.new_set, self.now)
        self.replica_failure(status)
        revision = self.revision

        def change(obj: Obj) -> None:
            if revision:
                obj["metadata"].setdefault("annotations", {})[REVISION] = revision
            obj["status"] = status

        self.store.mutate(
            self.controller.deployments, namespace_of(deployment), name_of(deployment), change
        )
        return seconds_until_deadline(deployment, status, self.now) if estimate else None
