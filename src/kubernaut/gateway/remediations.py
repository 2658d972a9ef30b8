"""RemediationRequests as the gateway reads and writes them, in one namespace.

Naming: ``<signal-slug>-<first 12 of the fingerprint>-<sequence>`` (storms:
``storm-<slug>-<12>-<sequence>``). The sequence is one more than the highest among the
fingerprint's existing RemediationRequests, so concurrent creates for one incident
(from any replica, with or without Redis) pick the same name and all but one get a
409; a recurrence after the previous remediation ended gets the next number.

The gateway writes ``spec`` and labels when it creates; afterwards only
``status.deduplication``, ``status.signalResolvedAt``, the ``SignalResolved`` condition,
``status.escalations`` and (storms) ``spec.storm``. Every write after the create is a
read-modify-write guarded by ``resourceVersion``, retried on conflict."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Literal

from kubernaut.crds.meta import API_VERSION, FINGERPRINT_LABEL
from kubernaut.crds.remediation_request import RemediationPhase, RemediationRequest
from kubernaut.kube import KubeClient, KubeError
from kubernaut.kube.errors import KubeApiError
from kubernaut.kube.guarded import guarded_update

Obj = dict[str, Any]
KIND = RemediationRequest.KIND
SIGNAL_LABEL = "kubernaut.io/signal"
_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str, limit: int = 40) -> str:
    return _SLUG.sub("-", text.lower()).strip("-")[:limit].strip("-") or "signal"


def remediation_name(signal_name: str, fingerprint: str, sequence: int, *, storm: bool) -> str:
    prefix = "storm-" if storm else ""
    return f"{prefix}{slug(signal_name)}-{fingerprint[:12]}-{sequence}"


def sequence_of(name: str) -> int:
    tail = name.rpartition("-")[2]
    return int(tail) if tail.isdigit() else 0


def is_active(obj: Obj) -> bool:
    """Not yet in a terminal phase (a new object has no phase: Pending) and not deleting."""
    if (obj.get("metadata") or {}).get("deletionTimestamp"):
        return False
    phase = (obj.get("status") or {}).get("phase")
    return phase not in {p.value for p in RemediationPhase if p.terminal}


class NameTaken(KubeError):
    """The name belongs to another incident's RemediationRequest."""


class RemediationStore:
    def __init__(self, client: KubeClient, namespace: str) -> None:
        self.client = client
        self.namespace = namespace

    async def with_fingerprint(self, fingerprint: str) -> list[Obj]:
        return await self.client.list(
            API_VERSION, KIND, self.namespace, label_selector=f"{FINGERPRINT_LABEL}={fingerprint}"
        )

    async def get(self, name: str) -> Obj | None:
        return await self.client.get(API_VERSION, KIND, self.namespace, name)

    async def create(self, request: RemediationRequest) -> Obj | None:
        """The stored object, or None when its name is taken (409)."""
        request.metadata.namespace = self.namespace
        try:
            return await self.client.create(request.wire())
        except KubeApiError as error:
            if error.status == 409:
                return None
            raise

    async def update_status(self, name: str, change: Callable[[Obj], Obj | None]) -> Obj | None:
        return await self._update(name, "status", change)

    async def update_spec(self, name: str, change: Callable[[Obj], Obj | None]) -> Obj | None:
        return await self._update(name, "spec", change)

    async def _update(
        self, name: str, part: Literal["spec", "status"], change: Callable[[Obj], Obj | None]
    ) -> Obj | None:
        return await guarded_update(
            self.client, API_VERSION, KIND, self.namespace, name, part, change
        )
