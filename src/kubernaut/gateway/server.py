"""The gateway on a local port, in a thread of its own, for the demo and tests::

    with GatewayServer(kubeconfig=sim.kubeconfig_path, namespace="kubernaut-system") as gw:
        httpx.post(f"{gw.url}/api/v1/signals/prometheus", json=payload,
                   headers={"Authorization": f"Bearer {gw.token}"})

``async with`` works too. Without a token in the settings, a random one is made.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from kubernaut.gateway.app import build_app
from kubernaut.gateway.runtime import Gateway
from kubernaut.gateway.settings import GatewaySettings
from kubernaut.threaded_server import ContextManaged, ThreadedServer


class GatewayServer(ContextManaged):
    def __init__(
        self,
        settings: GatewaySettings | None = None,
        *,
        kubeconfig: Path | None = None,
        namespace: str | None = None,
        token: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        **overrides: Any,
    ) -> None:
        settings = settings or GatewaySettings()
        changes: dict[str, Any] = dict(overrides)
        if kubeconfig is not None:
            changes["kubeconfig"] = kubeconfig
        if namespace is not None:
            changes["namespace"] = namespace
        tokens = list(settings.gateway_tokens)
        self.token = token or (tokens[0] if tokens else secrets.token_urlsafe(24))
        if self.token not in tokens:
            changes["gateway_tokens"] = [*tokens, self.token]
        self.settings = settings.model_copy(update=changes)
        self._server = ThreadedServer("kubernaut-gateway", host=host, port=port)
        self.gateway: Gateway | None = None

    def start(self) -> GatewayServer:
        self._server.start(self._setup, self._teardown)
        return self

    def stop(self) -> None:
        self._server.stop()

    @property
    def url(self) -> str:
        return f"http://{self._server.host}:{self._server.port}"

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def _setup(self) -> FastAPI:
        self.gateway = Gateway(self.settings)
        await self.gateway.start()
        return build_app(self.gateway)

    async def _teardown(self) -> None:
        if self.gateway is not None:
            await self.gateway.aclose()
            self.gateway = None
