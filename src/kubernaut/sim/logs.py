"""Container logs the simulated kubelet writes and ``pods/log`` serves."""

from __future__ import annotations

from dataclasses import dataclass, field

from kubernaut.sim.clock import SimClock, format_micro_time

LogKey = tuple[str, str, str]
"""(namespace, pod, container)"""


@dataclass
class ContainerLog:
    current: list[tuple[str, str]] = field(default_factory=list)
    """(timestamp, line)"""
    previous: list[tuple[str, str]] | None = None


class LogStore:
    def __init__(self, clock: SimClock, *, max_lines: int = 5000) -> None:
        self._clock = clock
        self._max_lines = max_lines
        self._logs: dict[LogKey, ContainerLog] = {}

    def write(self, key: LogKey, *lines: str) -> None:
        log = self._logs.setdefault(key, ContainerLog())
        stamp = format_micro_time(self._clock.now())
        log.current.extend((stamp, line) for line in lines)
        del log.current[: -self._max_lines]

    def restart(self, key: LogKey) -> None:
        """A container restarted: its log becomes ``--previous`` and a new one starts."""
        log = self._logs.setdefault(key, ContainerLog())
        log.previous, log.current = log.current, []

    def read(self, key: LogKey, *, previous: bool = False) -> list[tuple[str, str]] | None:
        log = self._logs.get(key)
        if log is None:
            return None
        lines = log.previous if previous else log.current
        return None if lines is None else list(lines)

    def forget_pod(self, namespace: str, pod: str) -> None:
        for key in [k for k in self._logs if k[0] == namespace and k[1] == pod]:
            del self._logs[key]
