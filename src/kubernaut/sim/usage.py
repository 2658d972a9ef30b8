"""What a running container uses. Healthy defaults here; fault physics may override per pod."""

from __future__ import annotations

from dataclasses import dataclass

from kubernaut.sim.objects import Obj
from kubernaut.sim.quantity import bytes_of, millicores

_DEFAULT_CPU_MILLI = 5
_DEFAULT_MEMORY = 24 * 2**20


@dataclass(frozen=True)
class Usage:
    cpu_millicores: int
    memory_bytes: int


def healthy_usage(container: Obj, jitter: float) -> Usage:
    """A fifth of the CPU request and 40% of the memory request, give or take ``jitter``."""
    resources = container.get("resources") or {}
    requests = resources.get("requests") or {}
    limits = resources.get("limits") or {}
    cpu_basis = millicores(requests.get("cpu") or limits.get("cpu"))
    memory_basis = bytes_of(requests.get("memory") or limits.get("memory"))
    cpu = int(cpu_basis * 0.2 * jitter) if cpu_basis else _DEFAULT_CPU_MILLI
    memory = int(memory_basis * 0.4 * jitter) if memory_basis else _DEFAULT_MEMORY
    return Usage(max(cpu, 1), max(memory, 2**20))
