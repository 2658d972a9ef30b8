"""`kubernaut serve gateway`: the signal gateway on a port until Ctrl-C."""

from __future__ import annotations

import asyncio

import typer
import uvicorn

from kubernaut.gateway.app import create_app
from kubernaut.gateway.settings import GatewaySettings
from kubernaut.kube import KubeError


def serve_gateway(settings: GatewaySettings) -> int:
    if not (
        settings.gateway_tokens
        or settings.gateway_token_file
        or settings.gateway_token_secret
        or settings.gateway_token_review
    ):
        typer.echo(
            "error: no way to authenticate senders: set KUBERNAUT_GATEWAY_TOKENS, "
            "--token-file, --token-secret or --token-review",
            err=True,
        )
        return 2
    try:
        app = create_app(settings)
    except KubeError as error:
        typer.echo(f"error: {error}", err=True)
        return 1
    config = uvicorn.Config(
        app,
        host=settings.gateway_host,
        port=settings.gateway_port,
        log_level="info",
        access_log=False,
        lifespan="on",
    )
    server = uvicorn.Server(config)
    store = f"Redis at {settings.redis_url}" if settings.redis_url else "in-process store"
    watching = ""
    if settings.watch_events:
        watching = f", watching Warning events in {settings.watch_namespace or 'every namespace'}"
    typer.echo(
        f"Kubernaut gateway on http://{settings.gateway_host}:{settings.gateway_port} "
        f"(RemediationRequests in {settings.namespace}, {store}{watching})"
    )
    asyncio.run(server.serve())
    return 0
