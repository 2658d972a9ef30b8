"""`kubernaut demo`: one remediation, end to end, on embedded defaults.

The OOMKilled scenario runs on the simulator; the rule-based model investigates,
recommends and, after validation, executes the fix, and verify confirms it. No cluster,
no model account, nothing to set up.
"""

from __future__ import annotations

import typer

from kubernaut.commands.investigate import InvestigateOptions, investigate
from kubernaut.sim.scenario import builtin_scenarios_dir

DEMO_SCENARIO = "oomkilled"


def demo(speed: float) -> int:
    scenarios = builtin_scenarios_dir()
    typer.echo(
        "Kubernaut demo: a crash-looping checkout service on a simulated cluster, remediated\n"
        "by the rule-based model (investigate -> recommend -> validate -> execute -> verify).\n"
    )
    status = investigate(
        InvestigateOptions(
            scenario=scenarios / DEMO_SCENARIO,
            alert=None,
            model="rules",
            fallbacks=[],
            api_base=None,
            execute=True,
            auto_approve=True,
            kubeconfig=None,
            context=None,
            policy=None,
            speed=speed,
            output_json=False,
            verify_timeout=120.0,
        )
    )
    others = sorted(p.name for p in scenarios.iterdir() if p.is_dir() and p.name != DEMO_SCENARIO)
    typer.echo(
        "\nTry another incident (add --model openai/gpt-4o, or any litellm model, to compare):\n"
        f"  kubernaut investigate --scenario {scenarios}/<name> --execute --auto-approve\n"
        f"  names: {', '.join(others)}"
    )
    return status
