"""The kubelet: runs bound pods' containers and reports their status, events and logs.

Each pod gets a runtime with one state machine per container (see ``containers``).
The kubelet steps them to the current simulated time and writes the pod status the
real kubelet would: container states, restart counts, conditions, IPs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from kubernaut.core.quantity import bytes_of
from kubernaut.sim.clock import format_time
from kubernaut.sim.controllers.base import BaseController
from kubernaut.sim.controllers.core.containers import (
    FULL_VOLUME_SECONDS,
    OOM_EXIT_CODE,
    OOM_SECONDS,
    ContainerRuntime,
    Fate,
    Stage,
    memory_limit,
)
from kubernaut.sim.controllers.manager import Key, Mapper
from kubernaut.sim.objects import Obj, annotations_of, is_deleting
from kubernaut.sim.physics.behavior import pod_behavior, volume_used_bytes
from kubernaut.sim.physics.config_refs import ConfigLookup
from kubernaut.sim.physics.registry import qualified_reference
from kubernaut.sim.podutil import condition_true, set_condition
from kubernaut.sim.store import StoreEvent

if TYPE_CHECKING:
    from kubernaut.sim.cluster import Cluster

TERMINATION_SECONDS = 1.0
NODE_DOWN_RECHECK = 10.0
RUN_SECONDS_ANNOTATION = "sim.kubernaut.io/run-seconds"
EXIT_CODE_ANNOTATION = "sim.kubernaut.io/exit-code"
DEFAULT_RUN_SECONDS = 5.0


@dataclass
class PodRuntime:
    containers: dict[str, ContainerRuntime] = field(default_factory=dict)
    killing: bool = False


class _Host:
    """The kubelet as one container sees it (implements ``ContainerHost``)."""

    def __init__(self, kubelet: Kubelet, pod: Obj, container: Obj) -> None:
        self.kubelet = kubelet
        self.pod = pod
        self.container = container
        self.key = (pod["metadata"]["namespace"], pod["metadata"]["name"], container["name"])

    def event(self, event_type: str, reason: str, message: str) -> None:
        self.kubelet.event(
            self.pod,
            event_type,
            reason,
            message,
            field_path=f"spec.containers{{{self.container['name']}}}",
            host=self.pod["spec"]["nodeName"],
        )

    def log(self, *lines: str) -> None:
        self.kubelet.cluster.logs.write(self.key, *lines)

    def restart_log(self) -> None:
        self.kubelet.cluster.logs.restart(self.key)

    def image_exists(self, image: str) -> bool:
        return self.kubelet.cluster.images.has(image)

    def start_error(self) -> str | None:
        return self.kubelet.config.start_error(self.key[0], self.container)

    def pod_reference(self) -> str:
        metadata = self.pod["metadata"]
        return f"{metadata['name']}_{metadata['namespace']}({metadata['uid']})"

    def timestamp(self, at: float) -> str:
        start = self.kubelet.clock.now() - timedelta(seconds=self.kubelet.clock.elapsed() - at)
        return format_time(start)

    def fate(self, started_at: float) -> Fate | None:
        """How this run of the container ends, judged from the cluster as it is now."""
        behavior = pod_behavior(annotations_of(self.pod)).container(self.container["name"])
        fates: list[Fate] = []
        if self.pod["spec"].get("restartPolicy", "Always") != "Always":
            run = float(annotations_of(self.pod).get(RUN_SECONDS_ANNOTATION, DEFAULT_RUN_SECONDS))
            code = int(annotations_of(self.pod).get(EXIT_CODE_ANNOTATION, "0"))
            fates.append(Fate(started_at + run, code, "Error" if code else "Completed"))
        crash = behavior.crash
        if crash is not None and (
            crash.while_missing is None
            or self.kubelet.config.is_missing(self.key[0], self.container, crash.while_missing)
        ):
            fates.append(Fate(started_at + crash.after, crash.exit_code, "Error", crash.logs))
        demand, limit = behavior.memory_bytes, memory_limit(self.container)
        if demand is not None and limit is not None and demand > limit:
            fates.append(Fate(started_at + OOM_SECONDS, OOM_EXIT_CODE, "OOMKilled"))
        if behavior.writes_to and self._volume_full(behavior.writes_to):
            path = self._mount_path(behavior.writes_to)
            fates.append(
                Fate(
                    started_at + FULL_VOLUME_SECONDS,
                    1,
                    "Error",
                    (
                        f"ERROR write {path}/data.tmp: no space left on device",
                        "FATAL could not persist data, shutting down",
                    ),
                )
            )
        return min(fates, key=lambda f: f.at, default=None)

    def _volume_full(self, volume_name: str) -> bool:
        for volume in self.pod["spec"].get("volumes") or []:
            claim = (volume.get("persistentVolumeClaim") or {}).get("claimName")
            if volume.get("name") == volume_name and claim:
                pvc = self.kubelet.store.peek(self.kubelet.claims, self.key[0], claim)
                if pvc is None:
                    return False
                capacity = bytes_of(
                    ((pvc.get("status") or {}).get("capacity") or {}).get("storage")
                )
                used = volume_used_bytes(pvc["metadata"].get("annotations"))
                return capacity > 0 and used >= capacity
        return False

    def _mount_path(self, volume_name: str) -> str:
        for mount in self.container.get("volumeMounts") or []:
            if mount.get("name") == volume_name:
                return str(mount.get("mountPath", "/data"))
        return "/data"


class Kubelet(BaseController):
    """One kubelet for every node of the simulated cluster."""

    name = "kubelet"

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.pods = self.kind("v1", "Pod")
        self.nodes = self.kind("v1", "Node")
        self.claims = self.kind("v1", "PersistentVolumeClaim")
        self.config = ConfigLookup(
            self.store, self.kind("v1", "ConfigMap"), self.kind("v1", "Secret")
        )
        self._runtimes: dict[str, PodRuntime] = {}
        self._node_images: dict[str, set[str]] = {}

    def watches(self) -> Iterable[tuple[str, Mapper]]:
        return [("pods", self._bound_pod)]

    def _bound_pod(self, event: StoreEvent) -> Iterable[Key]:
        pod = event.object
        if event.type == "DELETED":
            self._runtimes.pop(pod["metadata"]["uid"], None)
            self.cluster.logs.forget_pod(pod["metadata"]["namespace"], pod["metadata"]["name"])
            return []
        if not pod.get("spec", {}).get("nodeName"):
            return []
        return [(pod["metadata"]["namespace"], pod["metadata"]["name"])]

    def reconcile(self, key: Key) -> float | None:
        pod = self.store.peek(self.pods, *key)
        if pod is None or not pod.get("spec", {}).get("nodeName"):
            return None
        node = self.store.peek(self.nodes, "", pod["spec"]["nodeName"])
        if node is None or not condition_true(node, "Ready"):
            return NODE_DOWN_RECHECK  # a kubelet that is down changes nothing
        if pod.get("status", {}).get("phase") in ("Succeeded", "Failed"):
            return None
        runtime = self._runtime(pod)
        if is_deleting(pod):
            return self._terminate(pod, runtime)
        now = self.clock.elapsed()
        wakeups = [
            container.step(now, _Host(self, pod, container.spec))
            for container in runtime.containers.values()
        ]
        self._report(pod, runtime, node)
        pending = [w for w in wakeups if w is not None]
        return min(pending) if pending else None

    def _runtime(self, pod: Obj) -> PodRuntime:
        uid = pod["metadata"]["uid"]
        runtime = self._runtimes.get(uid)
        if runtime is not None:
            return runtime
        runtime = PodRuntime()
        self._runtimes[uid] = runtime
        now = self.clock.elapsed()
        images = self._node_images.setdefault(pod["spec"]["nodeName"], set())
        behavior = pod_behavior(annotations_of(pod))
        restarts_allowed = pod["spec"].get("restartPolicy", "Always") != "Never"
        for spec in pod["spec"].get("containers") or []:
            needs_pull = spec.get("imagePullPolicy") == "Always" or spec["image"] not in images
            container = ContainerRuntime(
                spec=spec,
                behavior=behavior.container(spec["name"]),
                restarts_allowed=restarts_allowed,
                needs_pull=needs_pull,
                until=now + (1.0 if needs_pull else 0.0),
            )
            runtime.containers[spec["name"]] = container
            if needs_pull:
                _Host(self, pod, spec).event(
                    "Normal", "Pulling", f'Pulling image "{spec["image"]}"'
                )
                if self.cluster.images.has(spec["image"]):
                    images.add(spec["image"])
        return runtime

    def _terminate(self, pod: Obj, runtime: PodRuntime) -> float | None:
        if not runtime.killing:
            runtime.killing = True
            for container in runtime.containers.values():
                if container.stage is Stage.RUNNING:
                    _Host(self, pod, container.spec).event(
                        "Normal", "Killing", f"Stopping container {container.name}"
                    )
            grace = float(pod["metadata"].get("deletionGracePeriodSeconds") or 0)
            return min(grace, TERMINATION_SECONDS)
        self.store.finish_deletion(self.pods, pod["metadata"]["namespace"], pod["metadata"]["name"])
        return None

    def evict(self, pod: Obj, message: str) -> None:
        """Stop the pod's containers and fail it, as the eviction manager does."""
        runtime = self._runtimes.get(pod["metadata"]["uid"])
        for name in runtime.containers if runtime else {}:
            _Host(self, pod, {"name": name}).event(
                "Normal", "Killing", f"Stopping container {name}"
            )
        self.event(pod, "Warning", "Evicted", message, host=pod["spec"]["nodeName"])

        def fail(p: Obj) -> None:
            status = p.setdefault("status", {})
            status.update(phase="Failed", reason="Evicted", message=message)
            now = self.clock.timestamp()
            for container in status.get("containerStatuses") or []:
                started = (container.get("state") or {}).get("running", {}).get("startedAt", now)
                container["state"] = {
                    "terminated": {
                        "exitCode": 137,
                        "reason": "ContainerStatusUnknown",
                        "startedAt": started,
                        "finishedAt": now,
                    }
                }
                container["ready"] = False
                container["started"] = False
            set_condition(p, "Ready", "False", now, "PodFailed", "")
            set_condition(p, "ContainersReady", "False", now, "PodFailed", "")
            set_condition(p, "DisruptionTarget", "True", now, "TerminationByKubelet", message)

        self.store.mutate(self.pods, pod["metadata"]["namespace"], pod["metadata"]["name"], fail)

    # -- status ------------------------------------------------------------------------

    def _report(self, pod: Obj, runtime: PodRuntime, node: Obj) -> None:
        now = self.clock.elapsed()
        stamp = self.clock.timestamp()
        host_ip = _internal_ip(node)
        uid = pod["metadata"]["uid"]
        statuses = []
        for container in runtime.containers.values():
            host = _Host(self, pod, container.spec)
            container_id = f"containerd://{_digest(f'{uid}/{container.name}/{container.restarts}')}"
            image_id = f"{_repository(container.image)}@sha256:{_digest(container.image)}"
            statuses.append(container.status(now, host, container_id, image_id))
        all_ready = bool(statuses) and all(s["ready"] for s in statuses)
        stages = [c.stage for c in runtime.containers.values()]
        ever_started = any(c.started_at is not None for c in runtime.containers.values())
        phase = "Running" if ever_started else "Pending"
        exited = [c for c in runtime.containers.values() if c.stage is Stage.EXITED]
        if stages and len(exited) == len(stages):
            phase = "Failed" if any(c.terminated.get("exitCode") for c in exited) else "Succeeded"
        pod_ip = pod.get("status", {}).get("podIP") or self.cluster.ids.pod_ip()
        start_time = pod.get("status", {}).get("startTime") or stamp
        finished = phase in ("Succeeded", "Failed")
        reason = None if all_ready else ("PodCompleted" if finished else "ContainersNotReady")
        message = None if all_ready or finished else _not_ready_message(statuses)

        def write(p: Obj) -> None:
            status = p.setdefault("status", {})
            status.update(
                phase=phase,
                hostIP=host_ip,
                hostIPs=[{"ip": host_ip}],
                podIP=pod_ip,
                podIPs=[{"ip": pod_ip}],
                startTime=start_time,
                containerStatuses=statuses,
            )
            set_condition(p, "PodReadyToStartContainers", "True", stamp)
            set_condition(p, "Initialized", "True", stamp)
            state = "True" if all_ready else "False"
            set_condition(p, "Ready", state, stamp, reason, message)
            set_condition(p, "ContainersReady", state, stamp, reason, message)
            _order_conditions(status)

        self.store.mutate(self.pods, pod["metadata"]["namespace"], pod["metadata"]["name"], write)


def _internal_ip(node: Obj) -> str:
    for address in node.get("status", {}).get("addresses") or []:
        if address.get("type") == "InternalIP":
            return str(address.get("address", ""))
    return ""


def _not_ready_message(statuses: list[Obj]) -> str:
    names = " ".join(s["name"] for s in statuses if not s["ready"])
    return f"containers with unready status: [{names}]"


def _order_conditions(status: Obj) -> None:
    order = ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"]
    status["conditions"].sort(
        key=lambda c: order.index(c["type"]) if c["type"] in order else len(order)
    )


def _repository(image: str) -> str:
    reference = qualified_reference(image.split("@")[0])
    name, _, tag = reference.rpartition(":")
    return name if name and "/" not in tag else reference


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
