"""The RemediationRequests of the namespace as this process last saw them, kept up to
date by their watch events: the blocking check reads it instead of listing every
RemediationRequest each time one starts (which grows with the square of their number)."""

from __future__ import annotations

from typing import Any

from kubernaut.crds import RemediationRequest


class RemediationIndex:
    def __init__(self) -> None:
        self._by_name: dict[str, RemediationRequest] = {}

    def seen(self, body: dict[str, Any]) -> RemediationRequest:
        remediation = RemediationRequest.parse(body)
        self._by_name[remediation.name] = remediation
        return remediation

    def knows(self, body: dict[str, Any]) -> bool:
        """Whether this exact version was seen already (the watch event of a write this
        process made and recorded): nothing new to act on."""
        metadata = body.get("metadata") or {}
        known = self._by_name.get(str(metadata.get("name")))
        return known is not None and known.metadata.resource_version == metadata.get(
            "resourceVersion"
        )

    def gone(self, name: str) -> None:
        self._by_name.pop(name, None)

    def all(self) -> list[RemediationRequest]:
        return list(self._by_name.values())
