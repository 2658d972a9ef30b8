"""One running gateway: its Kubernetes client, store, metrics and the parts built on them,
opened and closed together."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import Any

import httpx

from kubernaut.crds.meta import API_VERSION
from kubernaut.crds.remediation_request import RemediationRequest
from kubernaut.gateway.adapters.sns import SnsVerifier
from kubernaut.gateway.auth import Authenticator
from kubernaut.gateway.event_watcher import WarningEventWatcher
from kubernaut.gateway.fallback_store import FallbackStore
from kubernaut.gateway.ingest import Ingestor
from kubernaut.gateway.limits import RateLimiter
from kubernaut.gateway.metrics import GatewayMetrics
from kubernaut.gateway.redis_store import RedisStore
from kubernaut.gateway.settings import GatewaySettings
from kubernaut.gateway.store import MemoryStore, SignalStore, StoreUnavailable
from kubernaut.kube import KubeClient, KubeError
from kubernaut.kube.errors import KubeApiError

logger = logging.getLogger(__name__)
OUTBOUND_TIMEOUT = 5.0


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    message: str

    def wire(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "message": self.message}


def _store(settings: GatewaySettings) -> SignalStore:
    local = MemoryStore(
        ttl_seconds=settings.dedup_ttl_seconds, window_seconds=settings.storm_window_seconds
    )
    if not settings.redis_url:
        return local
    redis = RedisStore(
        settings.redis_url,
        prefix=settings.redis_key_prefix,
        ttl_seconds=settings.dedup_ttl_seconds,
        window_seconds=settings.storm_window_seconds,
        timeout=settings.redis_timeout,
        retry_after=settings.redis_retry_after,
    )
    return FallbackStore(redis, local)


class Gateway:
    def __init__(self, settings: GatewaySettings) -> None:
        self.settings = settings
        self.client = KubeClient(settings.kubeconfig, context=settings.kube_context)
        self.http = httpx.AsyncClient(timeout=OUTBOUND_TIMEOUT, follow_redirects=False)
        self.store = _store(settings)
        self.metrics = GatewayMetrics()
        self.ingestor = Ingestor(self.client, settings, self.store, self.metrics)
        self.authenticator = Authenticator(settings, self.client)
        self.limiter = RateLimiter(settings.rate_limit_per_second, settings.rate_limit_burst)
        self.sns = SnsVerifier(settings.sns_cert_url_pattern, self.http)
        self.watcher: WarningEventWatcher | None = None
        self._watching: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start what runs beside the HTTP API: the Warning event watcher, when the
        settings ask for it."""
        if self.settings.watch_events and self._watching is None:
            self.watcher = WarningEventWatcher(
                self.client, self.ingestor, self.settings.watch_namespace
            )
            self._watching = asyncio.create_task(self.watcher.run(), name="warning-events")

    async def aclose(self) -> None:
        if self._watching is not None:
            self._watching.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watching
            self._watching = None
        await self.ingestor.occurrences.aclose()
        await self.store.aclose()
        await self.http.aclose()
        await self.client.aclose()

    async def checks(self) -> list[Check]:
        """Readiness: the API server answers, the namespace exists, the CRD is served,
        and how the store is doing (a failing Redis degrades, it does not unready)."""
        return [await self._kubernetes(), await self._store_check()]

    async def _kubernetes(self) -> Check:
        namespace = self.settings.namespace
        try:
            if await self.client.get("v1", "Namespace", None, namespace) is None:
                return Check(
                    "kubernetes",
                    False,
                    f"namespace {namespace} does not exist: create it (kubectl create "
                    f"namespace {namespace}) or set KUBERNAUT_NAMESPACE / --namespace",
                )
            await self.client.list(API_VERSION, RemediationRequest.KIND, namespace, limit=1)
        except KubeApiError as error:
            if error.status == 404:
                return Check(
                    "kubernetes",
                    False,
                    "RemediationRequests are not served: install the CRDs (kubernaut crds apply)",
                )
            return Check("kubernetes", False, str(error))
        except KubeError as error:
            return Check("kubernetes", False, str(error))
        return Check("kubernetes", True, f"{self.client.server}, namespace {namespace}")

    async def _store_check(self) -> Check:
        try:
            await self.store.check()
        except StoreUnavailable as error:
            return Check(
                "store",
                True,
                f"degraded: {error}; deduplication falls back to Kubernetes lookups",
            )
        return Check("store", True, self.store.kind)
