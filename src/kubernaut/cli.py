"""The ``kubernaut`` command. Heavy modules are imported inside commands so --help is fast."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kubernaut import __version__

app = typer.Typer(
    name="kubernaut",
    help="Agentic Kubernetes remediation: signals in, safe and verified remediations out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
sim_app = typer.Typer(help="The built-in Kubernetes API simulator.", no_args_is_help=True)
app.add_typer(sim_app, name="sim")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kubernaut {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Kubernaut command line."""


@sim_app.command("serve")
def sim_serve(
    port: Annotated[int, typer.Option(help="Port to listen on (0 picks a free one).")] = 0,
    scenario: Annotated[
        Path | None,
        typer.Option(
            help="A scenario directory (with scenario.yaml), or manifests (a file or a "
            "directory) to load at start."
        ),
    ] = None,
    kubeconfig_out: Annotated[
        Path | None, typer.Option(help="Where to write the kubeconfig (default: a temp file).")
    ] = None,
    speed: Annotated[float, typer.Option(help="Simulated seconds per real second.")] = 1.0,
    seed: Annotated[int, typer.Option(help="Seed for names, uids and IPs.")] = 0,
    sample: Annotated[
        bool, typer.Option(help="Start with the sample cluster (nodes and a small shop app).")
    ] = True,
) -> None:
    """Run a simulated Kubernetes API server until Ctrl-C."""
    from kubernaut.sim.runner import serve

    if speed <= 0:
        raise typer.BadParameter("must be positive", param_hint="--speed")
    raise typer.Exit(serve(port, scenario, kubeconfig_out, speed, seed, sample))


@app.command()
def demo(
    speed: Annotated[float, typer.Option(help="Simulated seconds per real second.")] = 20.0,
) -> None:
    """Start the simulator with the sample cluster, show its workloads, and exit."""
    from kubernaut.sim.runner import demo as run_demo

    raise typer.Exit(run_demo(speed))


def main() -> None:
    app()
