"""The ``sim.kubernaut.io/behavior`` annotation: what a container or node does.

On a pod (or a pod template, so it follows rollouts and rollbacks), the annotation's
value is YAML::

    containers:
      web:                       # a container name, or "*" for every container
        memory: 300Mi            # working set; above the memory limit -> OOMKilled
        cpu: 450m                # CPU demand; above the CPU limit -> throttled
        load: {cpu: 2400m}       # CPU demand shared by the ready pods of the workload
        crash: {exitCode: 1, after: 3, logs: ["FATAL ..."],
                whileMissing: {configMapKey: app-config/DATABASE_URL}}
        readiness: fail          # readiness probe fails (the container needs one)
        logs: ["INFO ..."]       # written at every start
        writesTo: data           # a volume; when its PVC is full the app crashes
        errorRate: 0.3           # fraction of HTTP requests answered 5xx
        latency: 2.5             # p99 latency in seconds
        requestRate: 40          # requests per second

On a node::

    conditions: {DiskPressure: "True", MemoryPressure: "True", Ready: "False"}

On a PersistentVolumeClaim, ``sim.kubernaut.io/used: 9.5Gi`` is how much of the
volume is used.
"""

from __future__ import annotations

import functools
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kubernaut.core.quantity import bytes_of, millicores, parse_quantity

BEHAVIOR_ANNOTATION = "sim.kubernaut.io/behavior"
VOLUME_USED_ANNOTATION = "sim.kubernaut.io/used"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


def _quantity(value: Any) -> str:
    text = str(value)
    parse_quantity(text)
    return text


class MissingReference(_Strict):
    """A piece of configuration whose absence makes the app fail. Exactly one is set."""

    config_map_key: str | None = Field(None, alias="configMapKey", description="NAME/KEY")
    secret_key: str | None = Field(None, alias="secretKey", description="NAME/KEY")
    env: str | None = Field(None, description="an environment variable of the container")

    @field_validator("config_map_key", "secret_key")
    @classmethod
    def _name_and_key(cls, value: str | None) -> str | None:
        if value is not None and value.count("/") != 1:
            raise ValueError("must be NAME/KEY")
        return value

    def model_post_init(self, context: Any) -> None:
        chosen = [v for v in (self.config_map_key, self.secret_key, self.env) if v is not None]
        if len(chosen) != 1:
            raise ValueError("set exactly one of configMapKey, secretKey, env")


class Crash(_Strict):
    exit_code: int = Field(1, alias="exitCode", ge=1, le=255)
    after: float = Field(3.0, ge=0, description="seconds after start")
    logs: tuple[str, ...] = ()
    while_missing: MissingReference | None = Field(None, alias="whileMissing")


class Load(_Strict):
    cpu: str

    _check = field_validator("cpu", mode="before")(_quantity)

    @property
    def cpu_millicores(self) -> int:
        return millicores(self.cpu)


class ContainerBehavior(_Strict):
    memory: str | None = None
    cpu: str | None = None
    load: Load | None = None
    crash: Crash | None = None
    readiness: Literal["ok", "fail"] = "ok"
    logs: tuple[str, ...] = ()
    writes_to: str | None = Field(None, alias="writesTo")
    error_rate: float = Field(0.0, alias="errorRate", ge=0, le=1)
    latency: float = Field(0.05, gt=0)
    request_rate: float = Field(10.0, alias="requestRate", ge=0)

    _check = field_validator("memory", "cpu", mode="before")(
        lambda value: None if value is None else _quantity(value)
    )

    @property
    def memory_bytes(self) -> int | None:
        return None if self.memory is None else bytes_of(self.memory)

    @property
    def cpu_millicores(self) -> int | None:
        return None if self.cpu is None else millicores(self.cpu)


HEALTHY = ContainerBehavior.model_validate({})


class PodBehavior(_Strict):
    containers: dict[str, ContainerBehavior] = {}

    def container(self, name: str) -> ContainerBehavior:
        return self.containers.get(name) or self.containers.get("*") or HEALTHY


class NodeBehavior(_Strict):
    conditions: dict[
        Literal["Ready", "DiskPressure", "MemoryPressure", "PIDPressure"],
        Literal["True", "False", "Unknown"],
    ] = {}


class BehaviorError(ValueError):
    """An annotation that does not parse; the message says where and why."""


def _parse(model: type[BaseModel], annotations: dict[str, str] | None) -> Any:
    return _parse_text(model, (annotations or {}).get(BEHAVIOR_ANNOTATION) or "")


@functools.lru_cache(maxsize=1024)
def _parse_text(model: type[BaseModel], text: str) -> Any:
    """Parsed once per distinct annotation text; models are frozen, so sharing is safe."""
    if not text:
        return model()
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise BehaviorError(f"not valid YAML: {error}") from None
    try:
        return model.model_validate(data or {})
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}" for e in error.errors()
        )
        raise BehaviorError(problems) from None


def pod_behavior(annotations: dict[str, str] | None) -> PodBehavior:
    parsed: PodBehavior = _parse(PodBehavior, annotations)
    return parsed


def node_behavior(annotations: dict[str, str] | None) -> NodeBehavior:
    parsed: NodeBehavior = _parse(NodeBehavior, annotations)
    return parsed


def volume_used_bytes(annotations: dict[str, str] | None) -> int:
    text = (annotations or {}).get(VOLUME_USED_ANNOTATION)
    return bytes_of(text) if text else 0
