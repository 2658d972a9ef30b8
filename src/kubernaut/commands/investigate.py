"""`kubernaut investigate`: one remediation from the command line, with each node's
decision printed as it happens and a summary at the end."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
import yaml

from kubernaut.agents.errors import ModelConfigError
from kubernaut.agents.models import ModelSettings
from kubernaut.agents.usage import usage_estimated
from kubernaut.core.outcome import Outcome
from kubernaut.core.signal import Signal, SignalStatus
from kubernaut.core.signal_parsing import SignalFormatError, signals_from_payload
from kubernaut.graphs.runner import AWAITING_APPROVAL, run_remediation
from kubernaut.graphs.runtime import remediation_runtime
from kubernaut.graphs.settings import GraphSettings
from kubernaut.kube import KubeError
from kubernaut.sim.scenario.errors import ScenarioError
from kubernaut.tools.safety import PolicyError, load_policy

EXIT_CODES: dict[str, int] = {
    Outcome.REMEDIATED.value: 0,
    Outcome.RECOMMENDED.value: 0,
    Outcome.MANUAL_REVIEW_REQUIRED.value: 3,
    Outcome.REJECTED.value: 4,
    AWAITING_APPROVAL: 4,
    Outcome.NOT_RESOLVED.value: 5,
    Outcome.ROLLED_BACK.value: 5,
    Outcome.FAILED.value: 6,
}
"""Exit status per outcome; 1 is an error before or outside the graph (bad input, no
cluster), 2 a usage error. docs/remediation.md lists them."""


@dataclass
class InvestigateOptions:
    scenario: Path | None
    alert: Path | None
    model: str
    fallbacks: list[str]
    api_base: str | None
    execute: bool
    auto_approve: bool
    kubeconfig: Path | None
    context: str | None
    policy: Path | None
    speed: float
    output_json: bool
    verify_timeout: float


def investigate(options: InvestigateOptions) -> int:
    try:
        return asyncio.run(_investigate(options))
    except (
        KubeError,
        SignalFormatError,
        PolicyError,
        ModelConfigError,
        ScenarioError,
        OSError,
        ValueError,
    ) as error:
        typer.secho(f"error: {error}", err=True, fg=typer.colors.RED)
        return 1


async def _investigate(options: InvestigateOptions) -> int:
    policy = load_policy(options.policy)
    async with _cluster_and_signal(options) as (kubeconfig, signal):
        _say(options, f"Signal     {_describe_signal(signal)}")
        settings = GraphSettings(verify_timeout=options.verify_timeout)
        model_settings = ModelSettings(api_base=options.api_base)
        started = time.monotonic()
        async with remediation_runtime(
            kubeconfig,
            context=options.context,
            model=options.model,
            fallbacks=options.fallbacks,
            model_settings=model_settings,
            policy=policy,
            settings=settings,
        ) as runtime:
            final = await run_remediation(
                runtime.graph,
                str(uuid.uuid4()),
                signal.model_dump(mode="json"),
                execute=options.execute,
                on_update=lambda node, update: _show_node(options, node, update),
                approver=lambda request: _approve(options, request),
            )
        elapsed = time.monotonic() - started
    if options.output_json:
        typer.echo(json.dumps(_jsonable(final), indent=2, default=str))
    else:
        _summary(final, elapsed, estimated_tokens=usage_estimated(final.get("messages") or []))
    return EXIT_CODES.get(str(final.get("outcome")), 1)


@contextlib.asynccontextmanager
async def _cluster_and_signal(
    options: InvestigateOptions,
) -> AsyncIterator[tuple[Path | None, Signal]]:
    if options.scenario is not None:
        from kubernaut.evals.staging import incident_simulator
        from kubernaut.sim.scenario import load_scenario

        scenario = load_scenario(options.scenario)
        _say(options, f"Scenario   {scenario.name}: starting the simulator and the incident ...")
        async with incident_simulator(scenario, speed=options.speed) as simulator:
            _say(options, f"Cluster    simulator, KUBECONFIG={simulator.kubeconfig_path}")
            yield simulator.kubeconfig_path, _first_firing(scenario.signal.payload)
        return
    assert options.alert is not None
    text = options.alert.read_text()
    payload = json.loads(text) if options.alert.suffix == ".json" else yaml.safe_load(text)
    yield options.kubeconfig, _first_firing(payload)


def _first_firing(payload: Any) -> Signal:
    signals = signals_from_payload(payload)
    firing = [signal for signal in signals if signal.status is SignalStatus.FIRING]
    if not firing:
        raise SignalFormatError("the payload holds no firing alert: nothing to investigate")
    if len(firing) > 1:
        typer.secho(
            f"note: {len(firing)} firing alerts; investigating the first ({firing[0].name})",
            err=True,
        )
    return firing[0]


async def _approve(options: InvestigateOptions, request: dict[str, Any]) -> dict[str, Any] | None:
    reasons = "; ".join(request.get("reasons") or []) or "policy requires it"
    _say(
        options, f"  approval needed: {request.get('summary') or request.get('action')} ({reasons})"
    )
    if options.auto_approve:
        return {"approved": True, "by": "--auto-approve", "reason": ""}
    if not sys.stdin.isatty():
        _say(options, "  no terminal to ask and no --auto-approve: leaving it pending")
        return None
    approved = await asyncio.to_thread(typer.confirm, "  Approve and execute?", default=False)
    return {"approved": approved, "by": "terminal", "reason": "" if approved else "declined"}


def _show_node(options: InvestigateOptions, node: str, update: dict[str, Any]) -> None:
    for entry in update.get("trail") or []:
        line = f"> {node:<11} {entry['summary']}"
        if entry.get("decision"):
            line += f"\n  {'':<11} -> {entry['decision']}"
        _say(options, line)


def _say(options: InvestigateOptions, line: str) -> None:
    """Progress goes to stderr when stdout carries JSON."""
    typer.echo(line, err=options.output_json)


def _describe_signal(signal: Signal) -> str:
    where = f" on {signal.target}" if signal.target else ""
    return f"{signal.name} ({signal.source.value}, {signal.severity}){where}"


def _summary(final: dict[str, Any], elapsed: float, *, estimated_tokens: bool) -> None:
    recommendation = final.get("recommendation") or {}
    usage = final.get("usage") or {}
    rows = [("Outcome", str(final.get("outcome"))), ("Reason", str(final.get("reason", "")))]
    if recommendation:
        cause = recommendation["root_cause"]
        action = recommendation["action"]
        rows += [
            ("Root cause", f"{cause['category']}: {cause['summary']}"),
            (
                "Action",
                f"{action['action']}{_params(action['parameters'])} on {_ref(action['target'])}",
            ),
            ("Confidence", f"{recommendation['confidence']:.2f}"),
        ]
    validation = final.get("validation") or {}
    if validation:
        decision = validation["decision"]
        rows.append(("Validation", decision["verdict"]))
    result = final.get("result") or {}
    if result:
        rows.append(
            ("Execution", f"{result['status']} (step {result['key']}, {result['writes']} write(s))")
        )
    rows += [
        (
            "Tokens",
            f"{usage.get('prompt_tokens', 0)} prompt, "
            f"{usage.get('completion_tokens', 0)} completion"
            + (" (estimated: characters / 4)" if estimated_tokens else ""),
        ),
        ("Tool calls", str(len(final.get("tool_calls") or []))),
        ("Duration", f"{elapsed:.1f}s"),
    ]
    typer.echo("")
    for label, value in rows:
        typer.echo(f"{label:<11} {value}")


def _params(parameters: dict[str, Any]) -> str:
    shown = ", ".join(f"{key}={value}" for key, value in sorted(parameters.items()))
    return f"({shown})" if shown else ""


def _ref(target: dict[str, Any]) -> str:
    where = f"{target['namespace']}/" if target.get("namespace") else ""
    return f"{target['kind']} {where}{target['name']}"


def _jsonable(final: dict[str, Any]) -> dict[str, Any]:
    """The final state without the raw message objects (the trail tells the story)."""
    return {key: value for key, value in final.items() if key != "messages"}
