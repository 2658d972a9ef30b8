"""A record of every API request the simulator answered, for tests to assert on."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestRecord:
    method: str
    path: str
    query: str
    verb: str
    """Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection."""
    group: str
    resource: str
    subresource: str
    namespace: str
    name: str
    dry_run: bool
    user: str
    code: int
    time: str
    """Simulated time the request arrived."""

    @property
    def is_write(self) -> bool:
        return self.verb in ("create", "update", "patch", "delete", "deletecollection")


class RequestLog:
    """Append-only, readable from any thread."""

    def __init__(self) -> None:
        self._records: list[RequestRecord] = []
        self._lock = threading.Lock()

    def append(self, record: RequestRecord) -> None:
        with self._lock:
            self._records.append(record)

    def records(self, where: Callable[[RequestRecord], bool] | None = None) -> list[RequestRecord]:
        with self._lock:
            records = list(self._records)
        return [r for r in records if where is None or where(r)]

    def writes(self, *, include_dry_run: bool = False) -> list[RequestRecord]:
        """Requests that changed (or would have changed) state; dry runs left out by default."""
        return self.records(lambda r: r.is_write and (include_dry_run or not r.dry_run))

    def clear(self) -> None:
        with self._lock:
            self._records.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)
