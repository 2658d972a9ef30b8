"""The kubelet: runs bound pods' containers through their lifecycle and reports status.

Each pod gets a runtime record (when its image pull finishes, when each container
started, restarts). Status, events and logs are written as the real kubelet would.
Timing is simulated: pulls take a second, containers start at once, readiness waits
for the readiness probe's initial delay.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kubernaut.sim.controllers.base import BaseController
from kubernaut.sim.controllers.manager import Key, Mapper
from kubernaut.sim.objects import Obj, annotations_of, is_deleting
from kubernaut.sim.podutil import set_condition
from kubernaut.sim.store import StoreEvent

if TYPE_CHECKING:
    from kubernaut.sim.cluster import Cluster

PULL_SECONDS = 1.0
TERMINATION_SECONDS = 1.0
RUN_SECONDS_ANNOTATION = "sim.kubernaut.io/run-seconds"
EXIT_CODE_ANNOTATION = "sim.kubernaut.io/exit-code"
DEFAULT_RUN_SECONDS = 5.0


@dataclass
class ContainerRuntime:
    started_at: float | None = None
    started_stamp: str = ""
    finished: bool = False
    exit_code: int = 0
    restarts: int = 0


@dataclass
class PodRuntime:
    uid: str
    bound_at: float
    pulled_at: float
    containers: dict[str, ContainerRuntime] = field(default_factory=dict)
    killing: bool = False


class Kubelet(BaseController):
    """One kubelet for every node of the simulated cluster."""

    name = "kubelet"

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.pods = self.kind("v1", "Pod")
        self.nodes = self.kind("v1", "Node")
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
        runtime = self._runtime(pod)
        if is_deleting(pod):
            return self._terminate(pod, runtime)
        if pod.get("status", {}).get("phase") in ("Succeeded", "Failed"):
            return None
        now = self.clock.elapsed()
        if now < runtime.pulled_at:
            self._report(pod, runtime)
            return runtime.pulled_at - now
        return self._run(pod, runtime, now)

    # -- lifecycle ---------------------------------------------------------------------

    def _runtime(self, pod: Obj) -> PodRuntime:
        uid = pod["metadata"]["uid"]
        runtime = self._runtimes.get(uid)
        if runtime is None:
            now = self.clock.elapsed()
            node = pod["spec"]["nodeName"]
            images = self._node_images.setdefault(node, set())
            pull_needed = any(
                c.get("imagePullPolicy") == "Always" or c["image"] not in images
                for c in pod["spec"].get("containers") or []
            )
            runtime = PodRuntime(uid, now, now + (PULL_SECONDS if pull_needed else 0.0))
            self._runtimes[uid] = runtime
            for container in pod["spec"].get("containers") or []:
                runtime.containers[container["name"]] = ContainerRuntime()
                self._pull_events(pod, container, images)
        return runtime

    def _pull_events(self, pod: Obj, container: Obj, images: set[str]) -> None:
        image = container["image"]
        field_path = f"spec.containers{{{container['name']}}}"
        host = pod["spec"]["nodeName"]
        if container.get("imagePullPolicy") != "Always" and image in images:
            self.event(
                pod,
                "Normal",
                "Pulled",
                f'Container image "{image}" already present on machine',
                field_path=field_path,
                host=host,
            )
            return
        self.event(
            pod, "Normal", "Pulling", f'Pulling image "{image}"', field_path=field_path, host=host
        )

    def _run(self, pod: Obj, runtime: PodRuntime, now: float) -> float | None:
        node = pod["spec"]["nodeName"]
        images = self._node_images.setdefault(node, set())
        next_check: float | None = None
        run_to_completion = pod["spec"].get("restartPolicy", "Always") != "Always"
        for container in pod["spec"].get("containers") or []:
            state = runtime.containers.setdefault(container["name"], ContainerRuntime())
            if state.started_at is None:
                self._start(pod, container, state, images, runtime)
            if run_to_completion and not state.finished:
                remaining = state.started_at + _run_seconds(pod) - now  # type: ignore[operator]
                if remaining <= 0:
                    state.finished = True
                    state.exit_code = _exit_code(pod)
                else:
                    next_check = _earliest(next_check, remaining)
            ready_in = _readiness_delay(container) - (now - (state.started_at or now))
            if not state.finished and ready_in > 0:
                next_check = _earliest(next_check, ready_in)
        self._report(pod, runtime)
        return next_check

    def _start(
        self,
        pod: Obj,
        container: Obj,
        state: ContainerRuntime,
        images: set[str],
        runtime: PodRuntime,
    ) -> None:
        image = container["image"]
        field_path = f"spec.containers{{{container['name']}}}"
        host = pod["spec"]["nodeName"]
        if image not in images or container.get("imagePullPolicy") == "Always":
            pull_time = runtime.pulled_at - runtime.bound_at
            self.event(
                pod,
                "Normal",
                "Pulled",
                f'Successfully pulled image "{image}" in {pull_time:.3g}s '
                f"({pull_time:.3g}s including waiting). Image size: {_image_size(image)} bytes.",
                field_path=field_path,
                host=host,
            )
            images.add(image)
        self.event(
            pod,
            "Normal",
            "Created",
            f"Created container: {container['name']}",
            field_path=field_path,
            host=host,
        )
        self.event(
            pod,
            "Normal",
            "Started",
            f"Started container {container['name']}",
            field_path=field_path,
            host=host,
        )
        state.started_at = self.clock.elapsed()
        state.started_stamp = self.clock.timestamp()
        key = (pod["metadata"]["namespace"], pod["metadata"]["name"], container["name"])
        ports: list[Obj] = container.get("ports") or []
        port = ports[0].get("containerPort") if ports else None
        lines = [f"INFO starting {image}"]
        if port:
            lines.append(f"INFO listening on :{port}")
        lines.append("INFO ready to serve requests")
        self.cluster.logs.write(key, *lines)

    def _terminate(self, pod: Obj, runtime: PodRuntime) -> float | None:
        if not runtime.killing:
            runtime.killing = True
            for name, state in runtime.containers.items():
                if state.started_at is not None and not state.finished:
                    self.event(
                        pod,
                        "Normal",
                        "Killing",
                        f"Stopping container {name}",
                        field_path=f"spec.containers{{{name}}}",
                        host=pod["spec"]["nodeName"],
                    )
            grace = float(pod["metadata"].get("deletionGracePeriodSeconds") or 0)
            return min(grace, TERMINATION_SECONDS)
        self.store.finish_deletion(self.pods, pod["metadata"]["namespace"], pod["metadata"]["name"])
        return None

    # -- status ------------------------------------------------------------------------

    def _report(self, pod: Obj, runtime: PodRuntime) -> None:
        now = self.clock.elapsed()
        stamp = self.clock.timestamp()
        node = self.store.peek(self.nodes, "", pod["spec"]["nodeName"])
        host_ip = _internal_ip(node) if node else ""
        statuses = []
        for container in pod["spec"].get("containers") or []:
            state = runtime.containers.get(container["name"], ContainerRuntime())
            statuses.append(self._container_status(pod, container, state, now, stamp))
        all_ready = bool(statuses) and all(s["ready"] for s in statuses)
        finished = [
            runtime.containers[s["name"]]
            for s in statuses
            if runtime.containers.get(s["name"], ContainerRuntime()).finished
        ]
        phase = "Pending" if any(s["state"].get("waiting") for s in statuses) else "Running"
        if statuses and len(finished) == len(statuses):
            phase = "Failed" if any(c.exit_code for c in finished) else "Succeeded"
        pod_ip = pod.get("status", {}).get("podIP") or self.cluster.ids.pod_ip()
        start_time = pod.get("status", {}).get("startTime") or stamp

        def write(p: Obj) -> None:
            status = p.setdefault("status", {})
            status["phase"] = phase
            status["hostIP"] = host_ip
            status["hostIPs"] = [{"ip": host_ip}]
            status["podIP"] = pod_ip
            status["podIPs"] = [{"ip": pod_ip}]
            status["startTime"] = start_time
            status["containerStatuses"] = statuses
            set_condition(p, "PodReadyToStartContainers", "True", stamp)
            set_condition(p, "Initialized", "True", stamp)
            reason = None if all_ready else ("PodCompleted" if finished else "ContainersNotReady")
            message = None if all_ready or finished else _not_ready_message(statuses)
            set_condition(p, "Ready", "True" if all_ready else "False", stamp, reason, message)
            set_condition(
                p, "ContainersReady", "True" if all_ready else "False", stamp, reason, message
            )
            _order_conditions(status)

        self.store.mutate(self.pods, pod["metadata"]["namespace"], pod["metadata"]["name"], write)

    def _container_status(
        self, pod: Obj, container: Obj, state: ContainerRuntime, now: float, stamp: str
    ) -> Obj:
        image = container["image"]
        status: Obj = {
            "name": container["name"],
            "image": image,
            "imageID": "",
            "containerID": "",
            "ready": False,
            "started": False,
            "restartCount": state.restarts,
            "lastState": {},
        }
        if state.started_at is None:
            status["state"] = {"waiting": {"reason": "ContainerCreating"}}
            return status
        status["imageID"] = f"{_repository(image)}@sha256:{_digest(image)}"
        status["containerID"] = (
            f"containerd://{_digest(pod['metadata']['uid'] + container['name'])}"
        )
        if state.finished:
            status["state"] = {
                "terminated": {
                    "exitCode": state.exit_code,
                    "reason": "Error" if state.exit_code else "Completed",
                    "startedAt": state.started_stamp,
                    "finishedAt": stamp,
                    "containerID": status["containerID"],
                }
            }
            return status
        status["started"] = True
        status["state"] = {"running": {"startedAt": state.started_stamp}}
        status["ready"] = now - state.started_at >= _readiness_delay(container)
        return status


def _readiness_delay(container: Obj) -> float:
    probe = container.get("readinessProbe")
    if not probe:
        return 0.0
    return float(probe.get("initialDelaySeconds", 0)) + 1.0


def _run_seconds(pod: Obj) -> float:
    text = annotations_of(pod).get(RUN_SECONDS_ANNOTATION)
    return DEFAULT_RUN_SECONDS if text is None else float(text)


def _exit_code(pod: Obj) -> int:
    return int(annotations_of(pod).get(EXIT_CODE_ANNOTATION, "0"))


def _earliest(current: float | None, candidate: float) -> float:
    return candidate if current is None else min(current, candidate)


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
    name = image.split("@")[0]
    if ":" in name.rsplit("/", 1)[-1]:
        name = name.rsplit(":", 1)[0]
    if "/" not in name:
        name = f"docker.io/library/{name}"
    elif "." not in name.split("/")[0] and ":" not in name.split("/")[0]:
        name = f"docker.io/{name}"
    return name


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _image_size(image: str) -> int:
    return 20_000_000 + int(_digest(image)[:6], 16) % 80_000_000
