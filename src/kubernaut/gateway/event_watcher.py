"""The cluster's Warning Events, taken in as if each had been POSTed to
``/api/v1/signals/kubernetes-event``: ``kubernaut serve gateway --watch-events``.

It lists Events once to learn where the cluster stands (what happened before it started
is history, not news), then watches from there. Each Warning Event that is added, or
modified because it happened again (its count rose), goes through the same path as a
posted one: scope, fingerprint, deduplication, storms. Events Kubernaut posts itself, and
Events about Kubernaut's own objects, are skipped, or an escalation would start a
remediation of itself. A watch the server expires (410) lists again; a broken connection
is retried with back-off.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from pydantic import ValidationError

from kubernaut.core.signal_parsing import SignalFormatError
from kubernaut.crds.meta import GROUP
from kubernaut.gateway.adapters.kubernetes_event import KubernetesEvent
from kubernaut.gateway.ingest import Ingestor
from kubernaut.kube import KubeClient, KubeError
from kubernaut.kube.errors import KubeApiError
from kubernaut.kube.events import COMPONENT

log = logging.getLogger(__name__)
WARNINGS = "type=Warning"
RETRY_SECONDS = (0.5, 1.0, 2.0, 5.0, 10.0)

Obj = dict[str, Any]


class WarningEventWatcher:
    def __init__(
        self, client: KubeClient, ingestor: Ingestor, namespace: str | None = None
    ) -> None:
        self._client = client
        self._ingestor = ingestor
        self._namespace = namespace
        """None: every namespace."""
        self.taken = 0
        """Events handed to the ingestor so far."""
        self.listening = asyncio.Event()
        """Set once the first list is read: every Warning Event after it will be seen."""

    async def run(self) -> None:
        """Watch until cancelled."""
        failures = 0
        version = ""
        while True:
            try:
                if not version:
                    _, version = await self._client.list_with_version(
                        "v1", "Event", self._namespace, field_selector=WARNINGS
                    )
                    self.listening.set()
                async for change, event in self._client.watch(
                    "v1",
                    "Event",
                    self._namespace,
                    resource_version=version,
                    field_selector=WARNINGS,
                ):
                    failures = 0
                    version = (event.get("metadata") or {}).get("resourceVersion") or version
                    if change in ("ADDED", "MODIFIED"):
                        await self._take(event)
            except KubeApiError as error:
                if error.status != 410:
                    failures = await self._pause(failures, error)
                version = ""  # expired or refused: start again from a fresh list
            except KubeError as error:
                failures = await self._pause(failures, error)

    async def _take(self, event: Obj) -> None:
        if _own(event):
            return
        try:
            parsed = KubernetesEvent.model_validate(event)
            if not parsed.is_warning:
                return
            signal = parsed.signal()
        except (ValidationError, SignalFormatError) as error:
            log.warning("skipped Event %s: %s", _name(event), error)
            return
        try:
            await self._ingestor.ingest(signal)
            self.taken += 1
        except KubeError as error:
            log.warning("Event %s not taken in: %s", _name(event), error)

    async def _pause(self, failures: int, error: Exception) -> int:
        wait = RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)]
        log.warning("watching Warning events failed (%s); again in %gs", error, wait)
        await asyncio.sleep(wait)
        return failures + 1


def _own(event: Obj) -> bool:
    """Posted by Kubernaut, or about one of its objects."""
    source = (event.get("source") or {}).get("component") or event.get("reportingComponent")
    involved = event.get("involvedObject") or event.get("regarding") or {}
    group = str(involved.get("apiVersion") or "").split("/")[0]
    return source == COMPONENT or group == GROUP


def _name(event: Obj) -> str:
    metadata = event.get("metadata") or {}
    return f"{metadata.get('namespace')}/{metadata.get('name')}"
