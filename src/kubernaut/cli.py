"""The ``kubernaut`` command. Heavy modules are imported inside commands so --help is fast."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

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
crds_app = typer.Typer(
    help="Kubernaut's CustomResourceDefinitions (kubernaut.io/v1alpha1).", no_args_is_help=True
)
app.add_typer(crds_app, name="crds")
serve_app = typer.Typer(help="Run Kubernaut's services.", no_args_is_help=True)
app.add_typer(serve_app, name="serve")


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


@crds_app.command("print")
def crds_print(
    output_dir: Annotated[
        Path | None,
        typer.Option(help="Write one <plural>.yaml per CRD into this directory instead."),
    ] = None,
) -> None:
    """Print the CRD manifests (YAML), generated from the models."""
    from kubernaut.commands.crds import print_crds

    raise typer.Exit(print_crds(output_dir))


@crds_app.command("apply")
def crds_apply(
    kubeconfig: Annotated[
        Path | None, typer.Option(envvar="KUBECONFIG", help="Cluster to install them on.")
    ] = None,
    context: Annotated[str | None, typer.Option(help="kubeconfig context.")] = None,
) -> None:
    """Create or update the CRDs on a cluster and wait until they are served."""
    from kubernaut.commands.crds import apply

    raise typer.Exit(apply(kubeconfig, context))


@serve_app.command("controllers")
def serve_controllers(
    kubeconfig: Annotated[
        Path | None, typer.Option(envvar="KUBECONFIG", help="Cluster to run against.")
    ] = None,
    context: Annotated[str | None, typer.Option(help="kubeconfig context.")] = None,
    namespace: Annotated[
        str,
        typer.Option(envvar="KUBERNAUT_NAMESPACE", help="Where the remediation objects live."),
    ] = "kubernaut-system",
    model: Annotated[
        str,
        typer.Option(envvar="KUBERNAUT_MODEL", help="'rules', or a litellm model string."),
    ] = "rules",
    fallback: Annotated[
        list[str] | None, typer.Option(help="A model to try when the previous one fails.")
    ] = None,
    policy: Annotated[
        Path | None,
        typer.Option(envvar="KUBERNAUT_POLICY_FILE", help="Safety policy file (docs/policy.md)."),
    ] = None,
    analysis_only: Annotated[
        bool,
        typer.Option(
            "--analysis-only",
            envvar="KUBERNAUT_ANALYSIS_ONLY",
            help="Dry-run mode: stop every remediation after analysis.",
        ),
    ] = False,
    install_crds: Annotated[
        bool, typer.Option("--install-crds", help="Create or update the CRDs first.")
    ] = False,
    executor_identity: Annotated[
        str | None,
        typer.Option(
            envvar="KUBERNAUT_EXECUTOR_IDENTITY",
            help="User the executor writes to workloads as (impersonated), e.g. "
            "system:serviceaccount:kubernaut-system:kubernaut-executor.",
        ),
    ] = None,
    log_level: Annotated[
        str,
        typer.Option(envvar="KUBERNAUT_LOG_LEVEL", help="DEBUG, INFO, WARNING or ERROR."),
    ] = "INFO",
) -> None:
    """Run the CRD controllers (orchestrator, enrichment, analysis, workflow, executor,
    approvals) until SIGTERM or Ctrl-C. More settings: docs/controllers.md."""
    from kubernaut.commands.controllers import serve_controllers as serve
    from kubernaut.controllers.settings import ControllerSettings

    settings = ControllerSettings(
        namespace=namespace,
        model=model,
        fallbacks=list(fallback or []),
        policy_file=policy,
        analysis_only=analysis_only,
        executor_identity=executor_identity,
    )
    if log_level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise typer.BadParameter("one of DEBUG, INFO, WARNING, ERROR", param_hint="--log-level")
    raise typer.Exit(serve(kubeconfig, context, settings, install_crds, log_level))


@app.command()
def approve(
    name: Annotated[str, typer.Argument(help="The RemediationApproval (or its remediation).")],
    reject: Annotated[bool, typer.Option("--reject", help="Reject instead of approving.")] = False,
    reason: Annotated[str, typer.Option(help="Why, for the record.")] = "",
    namespace: Annotated[
        str, typer.Option("--namespace", "-n", envvar="KUBERNAUT_NAMESPACE")
    ] = "kubernaut-system",
    kubeconfig: Annotated[Path | None, typer.Option(envvar="KUBECONFIG")] = None,
    context: Annotated[str | None, typer.Option(help="kubeconfig context.")] = None,
) -> None:
    """Approve (or --reject) an action that policy sends to a person. Who may is a
    Kubernetes RBAC question: patch on remediationapprovals in the namespace."""
    from kubernaut.commands.approve import approve as decide

    raise typer.Exit(
        decide(
            name,
            reject=reject,
            reason=reason,
            namespace=namespace,
            kubeconfig=kubeconfig,
            context=context,
        )
    )


@serve_app.command("gateway")
def serve_gateway(
    host: Annotated[str | None, typer.Option(help="Address to listen on [0.0.0.0].")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on [8080].")] = None,
    kubeconfig: Annotated[
        Path | None, typer.Option(envvar="KUBECONFIG", help="Cluster to write to.")
    ] = None,
    context: Annotated[str | None, typer.Option(help="kubeconfig context.")] = None,
    namespace: Annotated[
        str | None,
        typer.Option(help="Namespace of the RemediationRequests [kubernaut-system]."),
    ] = None,
    redis_url: Annotated[
        str | None, typer.Option(help="redis://host:port/db (default: in-process store).")
    ] = None,
    token_file: Annotated[
        Path | None, typer.Option(help="File of accepted bearer tokens, one a line.")
    ] = None,
    token_secret: Annotated[
        str | None, typer.Option(help="Secret in the namespace whose values are tokens.")
    ] = None,
    token_review: Annotated[
        bool | None,
        typer.Option("--token-review/--no-token-review", help="Accept TokenReview'd tokens."),
    ] = None,
    watch_events: Annotated[
        bool | None,
        typer.Option(
            "--watch-events/--no-watch-events",
            help="Also take in the cluster's Warning Events (watched, not posted).",
        ),
    ] = None,
    watch_namespace: Annotated[
        str | None, typer.Option(help="With --watch-events: only this namespace [all].")
    ] = None,
) -> None:
    """Run the signal gateway (docs/gateway.md). Every flag also reads KUBERNAUT_* (e.g.
    KUBERNAUT_GATEWAY_TOKENS, KUBERNAUT_REDIS_URL, KUBERNAUT_NAMESPACE)."""
    from kubernaut.commands.serve_gateway import serve_gateway as run
    from kubernaut.gateway.settings import GatewaySettings

    flags: dict[str, Any] = {
        "gateway_host": host,
        "gateway_port": port,
        "kubeconfig": kubeconfig,
        "kube_context": context,
        "namespace": namespace,
        "redis_url": redis_url,
        "gateway_token_file": token_file,
        "gateway_token_secret": token_secret,
        "gateway_token_review": token_review,
        "watch_events": watch_events,
        "watch_namespace": watch_namespace,
    }
    given = {key: value for key, value in flags.items() if value is not None}
    settings = GatewaySettings(**given)
    raise typer.Exit(run(settings))


@app.command()
def investigate(
    scenario: Annotated[
        Path | None,
        typer.Option(help="A scenario directory: run it on the simulator and investigate it."),
    ] = None,
    alert: Annotated[
        Path | None,
        typer.Option(help="An Alertmanager webhook payload or a Kubernetes Event (YAML/JSON)."),
    ] = None,
    model: Annotated[
        str, typer.Option(help="'rules', or a litellm model such as openai/gpt-4o.")
    ] = "rules",
    fallback: Annotated[
        list[str] | None,
        typer.Option(help="A model to try when the previous one fails (repeatable)."),
    ] = None,
    api_base: Annotated[
        str | None, typer.Option(help="OpenAI-compatible endpoint for the model (vLLM, Ollama).")
    ] = None,
    execute: Annotated[
        bool, typer.Option("--execute", help="Execute the action (default: analysis only).")
    ] = False,
    auto_approve: Annotated[
        bool, typer.Option("--auto-approve", help="Approve what policy sends for approval.")
    ] = False,
    kubeconfig: Annotated[
        Path | None, typer.Option(envvar="KUBECONFIG", help="Cluster to use with --alert.")
    ] = None,
    context: Annotated[str | None, typer.Option(help="kubeconfig context.")] = None,
    policy: Annotated[
        Path | None,
        typer.Option(envvar="KUBERNAUT_POLICY_FILE", help="Safety policy file (docs/policy.md)."),
    ] = None,
    speed: Annotated[
        float, typer.Option(help="With --scenario: simulated seconds per real second.")
    ] = 30.0,
    verify_timeout: Annotated[
        float, typer.Option(help="Seconds verify waits for the target to recover.")
    ] = 120.0,
    output_json: Annotated[
        bool, typer.Option("--json", help="Print the final state as JSON on stdout.")
    ] = False,
) -> None:
    """Investigate one signal and recommend (and with --execute, apply) a remediation.

    Exit status: 0 remediated or recommended, 1 error, 3 manual review required,
    4 rejected or awaiting approval, 5 not resolved or rolled back, 6 execution failed.
    """
    if (scenario is None) == (alert is None):
        raise typer.BadParameter("give exactly one of --scenario or --alert")
    if speed <= 0:
        raise typer.BadParameter("must be positive", param_hint="--speed")
    from kubernaut.commands.investigate import InvestigateOptions
    from kubernaut.commands.investigate import investigate as run

    options = InvestigateOptions(
        scenario=scenario,
        alert=alert,
        model=model,
        fallbacks=list(fallback or []),
        api_base=api_base,
        execute=execute,
        auto_approve=auto_approve,
        kubeconfig=kubeconfig,
        context=context,
        policy=policy,
        speed=speed,
        output_json=output_json,
        verify_timeout=verify_timeout,
    )
    raise typer.Exit(run(options))


@app.command()
def demo(
    speed: Annotated[float, typer.Option(help="Simulated seconds per real second.")] = 30.0,
    keep: Annotated[
        bool, typer.Option("--keep", help="Keep the simulator running afterwards for kubectl.")
    ] = False,
) -> None:
    """Remediate the OOMKilled scenario end to end: the simulator, the CRD controllers
    in-process and the rule-based model, with every phase and decision shown."""
    if speed <= 0:
        raise typer.BadParameter("must be positive", param_hint="--speed")
    from kubernaut.commands.demo import demo as run_demo

    raise typer.Exit(run_demo(speed, keep))


def main() -> None:
    app()
