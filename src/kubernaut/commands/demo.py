"""`kubernaut demo`: one remediation, end to end, on embedded defaults.

The OOMKilled scenario runs on the simulator; the CRD controllers run in-process with
the rule-based model; a RemediationRequest is created for the scenario's alert and
every phase and decision is printed as ``kubectl`` would show it. No cluster, no model
account, nothing to set up.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import typer

from kubernaut.commands.follow import Follower
from kubernaut.controllers.operator import run_controllers
from kubernaut.controllers.runtime import controller_runtime
from kubernaut.controllers.settings import DEFAULT_NAMESPACE, ControllerSettings
from kubernaut.core.outcome import Outcome
from kubernaut.crds import RemediationRequest
from kubernaut.crds.install import apply_crds
from kubernaut.evals.staging import incident_simulator
from kubernaut.gateway.server import GatewayServer
from kubernaut.kube import KubeClient, KubeError
from kubernaut.sim.scenario import builtin_scenarios_dir, load_scenario
from kubernaut.sim.server import Simulator
from kubernaut.store.settings import StoreSettings

DEMO_SCENARIO = "oomkilled"
PROMETHEUS_PATH = "/api/v1/signals/prometheus"
LIMIT_SECONDS = 50.0


def demo(speed: float, keep: bool) -> int:
    try:
        return asyncio.run(_demo(speed, keep))
    except (DemoError, KubeError) as error:
        typer.echo(f"error: {error}", err=True)
        return 1


async def _demo(speed: float, keep: bool) -> int:
    with tempfile.TemporaryDirectory(prefix="kubernaut-demo-") as data_dir:
        return await _run(speed, keep, Path(data_dir))


def _private_store(data_dir: Path) -> StoreSettings:
    """A fresh embedded PostgreSQL for each demo: the simulated cluster is new each
    time, so the history of an earlier run (its cooldowns) must not carry over."""
    return StoreSettings(database_url=None, data_dir=data_dir)


async def _run(speed: float, keep: bool, data_dir: Path) -> int:
    started = time.monotonic()
    scenario = load_scenario(builtin_scenarios_dir() / DEMO_SCENARIO)
    typer.echo(
        "Kubernaut demo: a crash-looping checkout service on a simulated cluster, remediated\n"
        "by the CRD controllers with the rule-based model. Every step is a Kubernetes object.\n"
    )
    typer.echo(f"Scenario    {scenario.name}: starting the simulator and the incident ...")
    async with incident_simulator(scenario, speed=speed) as sim:
        typer.echo(
            f"Cluster     simulator at {sim.url} (x{speed:g}), KUBECONFIG={sim.kubeconfig_path}"
        )
        async with KubeClient(sim.kubeconfig_path) as client:
            await apply_crds(client)
            await client.create(
                {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": DEFAULT_NAMESPACE}}
            )
            settings = ControllerSettings(namespace=DEFAULT_NAMESPACE)
            async with controller_runtime(
                sim.kubeconfig_path,
                settings=settings,
                store_settings=_private_store(data_dir),
                clock=sim.now,
            ) as ctx:
                stop, ready = asyncio.Event(), asyncio.Event()
                controllers = asyncio.create_task(run_controllers(ctx, stop, ready))
                await ready.wait()
                typer.echo(
                    f"Controllers in-process: model {settings.model}, "
                    f"namespace {settings.namespace}"
                )
                name = await _submit(sim, scenario.signal.payload)
                remediation = await Follower(client, DEFAULT_NAMESPACE, typer.echo).until_done(
                    name, limit=LIMIT_SECONDS
                )
                _summary(remediation, sim, name, time.monotonic() - started)
                if keep:
                    await _until_interrupted(sim)
                stop.set()
                await controllers
    if remediation is None or remediation.status.outcome != Outcome.REMEDIATED:
        return 1
    return 0


async def _submit(sim: Simulator, payload: dict[str, Any]) -> str:
    """Send the scenario's Alertmanager webhook to the gateway over HTTP, as Alertmanager
    would; the RemediationRequest it created."""
    gateway = GatewayServer(kubeconfig=sim.kubeconfig_path, namespace=DEFAULT_NAMESPACE)
    async with gateway, httpx.AsyncClient(base_url=gateway.url, headers=gateway.headers) as http:
        answer = await http.post(PROMETHEUS_PATH, json=payload)
    body = answer.json()
    result = (body.get("results") or [body])[0]
    if answer.status_code >= 300 or not result.get("remediation"):
        raise DemoError(f"the gateway answered {answer.status_code}: {body}")
    typer.echo(
        f"Gateway     POST {PROMETHEUS_PATH} -> {answer.status_code} {result['outcome']}: "
        f"RemediationRequest {result['remediation']} "
        f"({result.get('environment')}, {result.get('priority')})\n"
    )
    return str(result["remediation"])


class DemoError(Exception):
    """The demo could not run a step; the message says which and why."""


def _summary(
    remediation: RemediationRequest | None, sim: Simulator, name: str, seconds: float
) -> None:
    typer.echo("")
    if remediation is None:
        typer.echo(f"Outcome     not finished within {LIMIT_SECONDS:g}s", err=True)
    else:
        status = remediation.status
        typer.echo(f"Outcome     {status.outcome}")
        typer.echo(f"Reason      {status.reason}")
        typer.echo(
            f"Action      {status.action} on {status.target} (confidence {status.confidence})"
        )
    typer.echo(f"Took        {seconds:.1f}s")
    ns = DEFAULT_NAMESPACE
    typer.echo(
        "\nFollow along with kubectl (add --keep to keep the simulator running):\n"
        f"  export KUBECONFIG={sim.kubeconfig_path}\n"
        f"  kubectl get rr,aia,wfe,kex -n {ns}\n"
        f"  kubectl describe aia {name}-analysis -n {ns}\n"
        f"  kubectl get rr {name} -n {ns} -o yaml"
    )


async def _until_interrupted(sim: Simulator) -> None:
    typer.echo(f"\nThe simulator keeps running at {sim.url}; Ctrl-C to stop.")
    done = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, done.set)
    with contextlib.suppress(asyncio.CancelledError):
        await done.wait()
    print("stopping", file=sys.stderr)
