"""Redis with a safety net: when Redis cannot be reached, deduplication reads answer
"don't know" (the caller then looks RemediationRequests up by fingerprint label, which is
always right, only slower) and storm windows are counted in process."""

from __future__ import annotations

import logging

from kubernaut.gateway.store import MemoryStore, SignalStore, StoreUnavailable

logger = logging.getLogger(__name__)


class FallbackStore:
    def __init__(self, primary: SignalStore, local: MemoryStore) -> None:
        self.primary = primary
        self.local = local
        self.kind = primary.kind
        self.available = True

    def _failed(self, error: StoreUnavailable) -> None:
        if self.available:
            logger.warning("%s; falling back to Kubernetes lookups", error)
        self.available = False

    def _succeeded(self) -> None:
        if not self.available:
            logger.warning("%s store is back; deduplication uses it again", self.kind)
        self.available = True

    async def remediation_for(self, fingerprint: str) -> str | None:
        try:
            found = await self.primary.remediation_for(fingerprint)
        except StoreUnavailable as error:
            self._failed(error)
            return None
        self._succeeded()
        return found

    async def remember(self, fingerprint: str, remediation: str) -> None:
        try:
            await self.primary.remember(fingerprint, remediation)
        except StoreUnavailable as error:
            self._failed(error)
            return
        self._succeeded()

    async def forget(self, fingerprint: str, remediation: str) -> None:
        try:
            await self.primary.forget(fingerprint, remediation)
        except StoreUnavailable as error:
            self._failed(error)

    async def storm_window(self, key: str, member: str, now: float) -> list[str]:
        try:
            members = await self.primary.storm_window(key, member, now)
        except StoreUnavailable as error:
            self._failed(error)
            return await self.local.storm_window(key, member, now)
        self._succeeded()
        return members

    async def check(self) -> None:
        await self.primary.check()

    async def aclose(self) -> None:
        await self.primary.aclose()
        await self.local.aclose()
