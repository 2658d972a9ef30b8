"""`kubernaut serve controllers`: the CRD controllers against a cluster, until SIGTERM or
Ctrl-C."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from pathlib import Path

from kubernaut.agents.errors import ModelConfigError
from kubernaut.controllers.operator import run_controllers
from kubernaut.controllers.runtime import controller_runtime
from kubernaut.controllers.settings import ControllerSettings
from kubernaut.crds.definitions import ALL_KINDS
from kubernaut.crds.install import CRD_API_VERSION, apply_crds
from kubernaut.kube import KubeClient, KubeError
from kubernaut.tools.safety import PolicyError


def serve_controllers(
    kubeconfig: Path | None,
    context: str | None,
    settings: ControllerSettings,
    install_crds: bool,
    log_level: str = "INFO",
) -> int:
    logging.basicConfig(
        level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("kopf").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        asyncio.run(_serve(kubeconfig, context, settings, install_crds))
    except (KubeError, PolicyError, ModelConfigError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


async def _serve(
    kubeconfig: Path | None, context: str | None, settings: ControllerSettings, install_crds: bool
) -> None:
    async with controller_runtime(kubeconfig, context=context, settings=settings) as ctx:
        await _preflight(ctx.client, settings.namespace, install_crds)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        print(
            f"Kubernaut controllers watching namespace {settings.namespace} on "
            f"{ctx.client.server} (model {settings.model})",
            file=sys.stderr,
            flush=True,
        )
        await run_controllers(ctx, stop)


async def _preflight(client: KubeClient, namespace: str, install_crds: bool) -> None:
    """The CRDs are served and the namespace exists, or an error says what to run."""
    if install_crds:
        await apply_crds(client)
    missing = [
        kind.crd_name
        for kind in ALL_KINDS
        if await client.get(CRD_API_VERSION, "CustomResourceDefinition", None, kind.crd_name)
        is None
    ]
    if missing:
        raise KubeError(
            f"the CRDs are not installed ({', '.join(missing)}): run 'kubernaut crds apply' "
            "or pass --install-crds"
        )
    if await client.get("v1", "Namespace", None, namespace) is None:
        raise KubeError(
            f"namespace {namespace} does not exist: kubectl create namespace {namespace}, "
            "or pass --namespace"
        )
