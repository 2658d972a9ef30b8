"""One container's life on a node: pull, create, run, crash, back off, restart.

The kubelet steps each container's state machine to the current simulated time.
What happens to a running container (OOMKilled, a crash, a full volume, a failing
readiness probe) follows from its declared behaviour and the live cluster state,
re-read at every start, so fixing the cause cures it on the next restart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol

from kubernaut.core.quantity import bytes_of
from kubernaut.sim.objects import Obj
from kubernaut.sim.physics.behavior import ContainerBehavior
from kubernaut.sim.physics.registry import qualified_reference

PULL_SECONDS = 1.0
INITIAL_BACKOFF = 10.0
MAX_BACKOFF = 300.0
BACKOFF_RESET_AFTER = 600.0
OOM_SECONDS = 4.0
FULL_VOLUME_SECONDS = 2.0
CONFIG_RETRY_SECONDS = 10.0
PULL_BACKOFF_SHOWS_AFTER = 1.0
OOM_EXIT_CODE = 137


class Stage(Enum):
    PULLING = "pulling"
    PULL_FAILED = "pull-failed"
    CONFIG_ERROR = "config-error"
    RUNNING = "running"
    BACKOFF = "backoff"
    EXITED = "exited"


@dataclass(frozen=True)
class Fate:
    at: float
    exit_code: int
    reason: str
    logs: tuple[str, ...] = ()


class ContainerHost(Protocol):
    """What a container needs from its kubelet."""

    def event(self, event_type: str, reason: str, message: str) -> None: ...

    def log(self, *lines: str) -> None: ...

    def restart_log(self) -> None: ...

    def image_exists(self, image: str) -> bool: ...

    def start_error(self) -> str | None: ...

    def fate(self, started_at: float) -> Fate | None: ...

    def timestamp(self, at: float) -> str: ...

    def pod_reference(self) -> str:
        """``name_namespace(uid)``, as the kubelet names a pod in messages."""
        ...


@dataclass
class ContainerRuntime:
    spec: Obj
    behavior: ContainerBehavior
    restarts_allowed: bool
    needs_pull: bool
    stage: Stage = Stage.PULLING
    until: float = 0.0
    """When the current stage ends (pull done, retry, back-off over, probe due)."""
    started_at: float | None = None
    fate: Fate | None = None
    ready_at: float | None = None
    restarts: int = 0
    backoff: float = INITIAL_BACKOFF
    pull_failures: int = 0
    waiting_reason: str = "ContainerCreating"
    waiting_message: str = ""
    last_state: Obj = field(default_factory=dict)
    terminated: Obj = field(default_factory=dict)
    next_probe: float | None = None

    @property
    def name(self) -> str:
        return str(self.spec["name"])

    @property
    def image(self) -> str:
        return str(self.spec["image"])

    def step(self, now: float, host: ContainerHost) -> float | None:
        """Apply every transition due by ``now``; return when to look again."""
        for _ in range(100):
            if not self._transition(now, host):
                break
        return self._next_wakeup(now)

    def _transition(self, now: float, host: ContainerHost) -> bool:
        if self.stage is Stage.PULLING and now >= self.until:
            if not self.needs_pull:
                host.event(
                    "Normal",
                    "Pulled",
                    f'Container image "{self.image}" already present on machine',
                )
                self._try_start(now, host)
            elif host.image_exists(self.image):
                host.event("Normal", "Pulled", _pulled_message(self.image))
                self.needs_pull = False
                self._try_start(now, host)
            else:
                self._pull_failed(now, host)
            return True
        if self.stage is Stage.PULL_FAILED:
            if self.waiting_reason == "ErrImagePull" and now >= self.until - self.backoff + (
                PULL_BACKOFF_SHOWS_AFTER
            ):
                self.waiting_reason = "ImagePullBackOff"
                self.waiting_message = f'Back-off pulling image "{self.image}"'
                host.event("Normal", "BackOff", f'Back-off pulling image "{self.image}"')
                host.event("Warning", "Failed", "Error: ImagePullBackOff")
                return True
            if now >= self.until:
                self.stage = Stage.PULLING
                self.until = now + PULL_SECONDS
                host.event("Normal", "Pulling", f'Pulling image "{self.image}"')
                return True
            return False
        if self.stage is Stage.CONFIG_ERROR and now >= self.until:
            self._try_start(now, host)
            return self.stage is not Stage.CONFIG_ERROR
        if self.stage is Stage.RUNNING:
            if self.fate is not None and now >= self.fate.at:
                self._terminate(now, host, self.fate)
                return True
            if self.next_probe is not None and now >= self.next_probe:
                host.event(
                    "Warning",
                    "Unhealthy",
                    "Readiness probe failed: HTTP probe failed with statuscode: 503",
                )
                self.next_probe = now + _probe_period(self.spec)
                return True
            return False
        if self.stage is Stage.BACKOFF and now >= self.until:
            self.restarts += 1
            host.restart_log()
            host.event(
                "Normal", "Pulled", f'Container image "{self.image}" already present on machine'
            )
            self._try_start(now, host)
            return True
        return False

    def _pull_failed(self, now: float, host: ContainerHost) -> None:
        reference = qualified_reference(self.image)
        self.pull_failures += 1
        self.stage = Stage.PULL_FAILED
        self.backoff = min(INITIAL_BACKOFF * 2 ** (self.pull_failures - 1), MAX_BACKOFF)
        self.until = now + self.backoff
        self.waiting_reason = "ErrImagePull"
        self.waiting_message = (
            f'failed to pull and unpack image "{reference}": failed to resolve reference '
            f'"{reference}": {reference}: not found'
        )
        host.event(
            "Warning",
            "Failed",
            f'Failed to pull image "{self.image}": rpc error: code = NotFound desc = '
            f"{self.waiting_message}",
        )
        host.event("Warning", "Failed", "Error: ErrImagePull")

    def _try_start(self, now: float, host: ContainerHost) -> None:
        problem = host.start_error()
        if problem is not None:
            self.stage = Stage.CONFIG_ERROR
            self.until = now + CONFIG_RETRY_SECONDS
            self.waiting_reason = "CreateContainerConfigError"
            self.waiting_message = problem
            host.event("Warning", "Failed", f"Error: {problem}")
            return
        host.event("Normal", "Created", f"Created container: {self.name}")
        host.event("Normal", "Started", f"Started container {self.name}")
        self.stage = Stage.RUNNING
        self.started_at = now
        self.waiting_reason = ""
        self.waiting_message = ""
        port = next(iter(self.spec.get("ports") or []), None)
        lines = [f"INFO starting {self.image}"]
        if port:
            lines.append(f"INFO listening on :{port.get('containerPort')}")
        lines.extend(self.behavior.logs)
        host.log(*lines)
        self.fate = host.fate(now)
        probe = self.spec.get("readinessProbe")
        if probe is None:
            self.ready_at, self.next_probe = now, None
        elif self.behavior.readiness == "fail":
            self.ready_at = None
            self.next_probe = now + float(probe.get("initialDelaySeconds", 0)) + 1
        else:
            self.ready_at, self.next_probe = (
                now + float(probe.get("initialDelaySeconds", 0)) + 1,
                None,
            )
        if self.ready_at is not None:
            host.log("INFO ready to serve requests")

    def _terminate(self, now: float, host: ContainerHost, fate: Fate) -> None:
        if fate.logs:
            host.log(*fate.logs)
        ran = now - (self.started_at or now)
        self.terminated = {
            "exitCode": fate.exit_code,
            "reason": fate.reason,
            "startedAt": host.timestamp(self.started_at or now),
            "finishedAt": host.timestamp(now),
        }
        self.fate = None
        self.next_probe = None
        if not self.restarts_allowed or (fate.exit_code == 0 and fate.reason == "Completed"):
            self.stage = Stage.EXITED
            return
        if ran >= BACKOFF_RESET_AFTER:
            self.backoff = INITIAL_BACKOFF
        self.last_state = {"terminated": dict(self.terminated)}
        self.stage = Stage.BACKOFF
        self.until = now + self.backoff
        self.waiting_reason = "CrashLoopBackOff"
        self.waiting_message = (
            f"back-off {int(self.backoff)}s restarting failed container={self.name} "
            f"pod={host.pod_reference()}"
        )
        host.event(
            "Warning",
            "BackOff",
            f"Back-off restarting failed container {self.name} in pod {host.pod_reference()}",
        )
        self.backoff = min(self.backoff * 2, MAX_BACKOFF)

    def _next_wakeup(self, now: float) -> float | None:
        candidates: list[float] = []
        if self.stage in (Stage.PULLING, Stage.CONFIG_ERROR, Stage.BACKOFF):
            candidates.append(self.until)
        elif self.stage is Stage.PULL_FAILED:
            candidates.append(self.until)
            if self.waiting_reason == "ErrImagePull":
                candidates.append(self.until - self.backoff + PULL_BACKOFF_SHOWS_AFTER)
        elif self.stage is Stage.RUNNING:
            if self.fate is not None:
                candidates.append(self.fate.at)
            if self.next_probe is not None:
                candidates.append(self.next_probe)
            if self.ready_at is not None and self.ready_at > now:
                candidates.append(self.ready_at)
        future = [c - now for c in candidates if c > now]
        return min(future) if future else None

    # -- status -----------------------------------------------------------------------

    def ready(self, now: float) -> bool:
        return self.stage is Stage.RUNNING and self.ready_at is not None and now >= self.ready_at

    def status(self, now: float, host: ContainerHost, container_id: str, image_id: str) -> Obj:
        status: Obj = {
            "name": self.name,
            "image": self.image,
            "imageID": image_id if self.started_at is not None else "",
            "containerID": container_id if self.started_at is not None else "",
            "ready": self.ready(now),
            "started": self.stage is Stage.RUNNING,
            "restartCount": self.restarts,
            "lastState": self.last_state,
        }
        if self.stage is Stage.RUNNING:
            status["state"] = {"running": {"startedAt": host.timestamp(self.started_at or now)}}
        elif self.stage is Stage.EXITED:
            status["state"] = {"terminated": {**self.terminated, "containerID": container_id}}
        else:
            waiting: Obj = {"reason": self.waiting_reason or "ContainerCreating"}
            if self.waiting_message:
                waiting["message"] = self.waiting_message
            status["state"] = {"waiting": waiting}
        return status


def memory_limit(container: Obj) -> int | None:
    limit = ((container.get("resources") or {}).get("limits") or {}).get("memory")
    return bytes_of(limit) if limit else None


def _probe_period(container: Obj) -> float:
    return float((container.get("readinessProbe") or {}).get("periodSeconds", 10))


def _pulled_message(image: str) -> str:
    return (
        f'Successfully pulled image "{image}" in {PULL_SECONDS:g}s '
        f"({PULL_SECONDS:g}s including waiting). Image size: "
        f"{20_000_000 + sum(image.encode()) * 1_000} bytes."
    )
