"""Escalation: telling people that a remediation needs them (it timed out, was stormed,
needs manual review, made things worse). Always a Warning event ``Escalated`` on the
RemediationRequest and an entry in its status; also a JSON POST to a webhook when one
is configured (a chat-ops bridge, PagerDuty's Events API behind a relay, ...)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import httpx

from kubernaut.crds import API_VERSION, RemediationRequest
from kubernaut.crds.remediation_request import Escalation
from kubernaut.kube import KubeClient
from kubernaut.kube.events import EventType, post_event
from kubernaut.kube.guarded import guarded_update

log = logging.getLogger(__name__)
ESCALATED = "Escalated"
"""The reason of the Warning event every escalation posts."""


class Escalator:
    """Escalates RemediationRequests; the controllers and the gateway (storms) share it."""

    def __init__(self, client: KubeClient, webhook: str | None = None) -> None:
        self._client = client
        self._webhook = webhook

    async def escalate(
        self,
        remediation: RemediationRequest,
        reason: str,
        message: str,
        *,
        now: datetime,
        once: bool = False,
    ) -> bool:
        """Whether it escalated: ``once`` skips a remediation escalated for ``reason``
        already, and a remediation that is gone is not escalated."""
        entry = Escalation(reason=reason, message=message, at=now)
        added = False

        def appended(current: dict[str, Any]) -> dict[str, Any] | None:
            nonlocal added
            escalations = list((current.get("status") or {}).get("escalations") or [])
            if once and any(e.get("reason") == reason for e in escalations):
                return None
            added = True
            return {"escalations": [*escalations, entry.wire()]}

        written = await guarded_update(
            self._client,
            API_VERSION,
            remediation.KIND,
            remediation.namespace,
            remediation.name,
            "status",
            appended,
        )
        if written is None or not added:
            return False
        await post_event(
            self._client,
            written,
            ESCALATED,
            f"{reason}: {message}",
            type_=EventType.WARNING,
            now=now,
        )
        if self._webhook:
            await self._post(RemediationRequest.parse(written), entry)
        return True

    async def _post(self, remediation: RemediationRequest, entry: Escalation) -> None:
        payload: dict[str, Any] = {
            "remediationRequest": f"{remediation.namespace}/{remediation.name}",
            "signal": remediation.spec.signal.name,
            "target": remediation.status.target,
            **entry.wire(),
        }
        try:
            async with httpx.AsyncClient(timeout=10) as http:
                response = await http.post(str(self._webhook), json=payload)
                response.raise_for_status()
        except httpx.HTTPError as error:
            log.warning("escalation webhook %s failed: %r", self._webhook, error)
