"""Running the controllers in-process against a simulator, and reading what they did."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from kubernaut.controllers.context import ControllerContext
from kubernaut.controllers.operator import run_controllers
from kubernaut.controllers.runtime import controller_runtime
from kubernaut.controllers.settings import DEFAULT_NAMESPACE, ControllerSettings
from kubernaut.core.signal_parsing import signals_from_payload
from kubernaut.crds import API_VERSION, RemediationRequest, RemediationRequestSpec, SignalSpec
from kubernaut.crds.install import apply_crds
from kubernaut.crds.meta import ObjectMeta
from kubernaut.kube import KubeClient
from kubernaut.sim.holds import HeldRequest
from kubernaut.sim.server import Simulator

NS = DEFAULT_NAMESPACE


async def install(client: KubeClient) -> None:
    await apply_crds(client)
    if await client.get("v1", "Namespace", None, NS) is None:
        await client.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}})


@contextlib.asynccontextmanager
async def running_controllers(
    sim: Simulator, settings: ControllerSettings | None = None, **runtime: Any
) -> AsyncIterator[ControllerContext]:
    """The controllers running in this process on the simulator's clock."""
    settings = settings or ControllerSettings(verify_timeout=60, resync=0.5)
    async with KubeClient(sim.kubeconfig_path) as client:
        await install(client)
    async with controller_runtime(
        sim.kubeconfig_path, settings=settings, clock=sim.now, **runtime
    ) as ctx:
        stop, ready = asyncio.Event(), asyncio.Event()
        task = asyncio.create_task(run_controllers(ctx, stop, ready))
        await asyncio.wait_for(ready.wait(), 30)
        try:
            yield ctx
        finally:
            stop.set()
            await asyncio.wait_for(task, 30)


def remediation_for(
    payload: dict[str, Any], name: str, *, analysis_only: bool = False
) -> dict[str, Any]:
    signal = signals_from_payload(payload)[0]
    return RemediationRequest(
        metadata=ObjectMeta(name=name, namespace=NS),
        spec=RemediationRequestSpec(
            signal=SignalSpec.of(signal),
            target=signal.target,
            fingerprint=name,
            analysis_only=analysis_only,
        ),
    ).wire()


async def get(client: KubeClient, kind: str, name: str) -> dict[str, Any]:
    found = await client.get(API_VERSION, kind, NS, name)
    assert found is not None, f"{kind} {name} not found"
    return found


async def eventually(
    read: Callable[[], Any], check: Callable[[Any], bool], *, within: float = 60.0
) -> Any:
    """Poll ``read()`` until ``check`` accepts its value; fail with the last value."""
    deadline = time.monotonic() + within
    value = await read()
    while not check(value):
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached within {within:g}s; last: {value!r}"[:3000])
        await asyncio.sleep(0.1)
        value = await read()
    return value


def phase_of(obj: dict[str, Any]) -> str:
    return str((obj.get("status") or {}).get("phase") or "")


def workload_writes(sim: Simulator, resource: str, name: str) -> list[Any]:
    """Real (not dry-run) writes the API accepted on one workload."""
    return [
        record
        for record in sim.request_log.writes()
        if record.resource == resource and record.name == name and record.code < 300
    ]


def condition_of(obj: dict[str, Any], type_: str) -> tuple[str, str]:
    """``(status, reason)`` of one condition; ``("", "")`` when it is not set."""
    for entry in (obj.get("status") or {}).get("conditions") or []:
        if entry.get("type") == type_:
            return str(entry.get("status")), str(entry.get("reason") or "")
    return "", ""


def status_patch(resource: str, word: bytes) -> Callable[[HeldRequest], bool]:
    """A hold matcher: a status patch of one of ``resource`` whose body holds ``word``."""

    def matches(request: HeldRequest) -> bool:
        return (
            request.method == "PATCH"
            and f"/{resource}/" in request.path
            and request.path.endswith("/status")
            and word in request.body
        )

    return matches


def creating(resource: str) -> Callable[[HeldRequest], bool]:
    """A hold matcher: the creation of one of ``resource``."""
    return lambda request: request.method == "POST" and request.path.endswith(f"/{resource}")
