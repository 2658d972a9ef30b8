"""`kubernaut demo` as a newcomer runs it: the whole pipeline on embedded defaults, the
alert through the gateway, every phase shown, a summary with the kubectl commands,
exit 0 in well under a minute; with --keep the objects stay for kubectl."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support import Kubectl, find_kubectl

DEMO = [sys.executable, "-m", "kubernaut", "demo"]


@pytest.fixture
def demo_env() -> dict[str, str]:
    """What a newcomer has: no database configured (the demo brings its own)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("KUBERNAUT_")}


def test_demo_remediates_through_every_stage_and_exits_zero(demo_env: dict[str, str]) -> None:
    first = subprocess.run(DEMO, capture_output=True, text=True, timeout=120, env=demo_env)
    assert first.returncode == 0, first.stdout + first.stderr
    # Again: a new simulated cluster, so nothing of the first run (its cooldowns) may
    # stand in the way.
    started = time.monotonic()
    result = subprocess.run(DEMO, capture_output=True, text=True, timeout=120, env=demo_env)
    took = time.monotonic() - started
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert re.search(r"Gateway +POST /api/v1/signals/prometheus -> 201 created", out), out
    # Phases and node decisions, in the order they happened.
    position = 0
    for line in (
        r"rr +Processing",
        r"rp +Enriched .*production, P1",
        r"aia +Investigating",
        r" investigate +7 tool call\(s\)",
        r"aia +Recommending",
        r" recommend +resource-exhaustion",
        r"aia +Validating",
        r" validate +all checks passed",
        r"aia +Completed .*validated: ready to execute",
        r"kex +DryRun",
        r"kex +Completed .*applied: memory limit of container checkout: 256Mi -> 512Mi",
        r" execute +applied",
        r"wfe +Verifying",
        # Unhealthy before (0.40 mid-back-off, 0.80 between two kills), healthy after.
        r" verify +health 0\.[0-9]+ -> 1\.00",
        r"rr +Remediated",
    ):
        found = re.compile(line).search(out, position)
        assert found, f"{line!r} missing after position {position} of:\n{out}"
        position = found.end()
    assert "-> increase_resources(container=checkout, memory_limit=512Mi)" in out
    assert "Outcome     Remediated" in out
    assert "kubectl get rr,aia,wfe,kex -n kubernaut-system" in out
    assert took < 60, f"the demo took {took:.0f}s"


@pytest.mark.kubectl
def test_demo_keep_leaves_the_objects_for_kubectl(demo_env: dict[str, str], tmp_path: Path) -> None:
    demo = subprocess.Popen(
        [*DEMO, "--keep"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=demo_env
    )
    try:
        assert demo.stdout is not None
        lines = []
        for line in demo.stdout:
            lines.append(line)
            if "Ctrl-C to stop" in line:
                break
        text = "".join(lines)
        kubeconfig = re.search(r"export KUBECONFIG=(\S+)", text)
        assert kubeconfig, text
        kubectl = Kubectl(find_kubectl(), Path(kubeconfig.group(1)), tmp_path / "cache")
        table = kubectl("get", "rr,aia,wfe,kex", "-n", "kubernaut-system")
        assert re.search(
            r"Completed +Remediated +KubePodCrashLooping +Deployment/shop/checkout"
            r" +increase_resources +0\.9",
            table,
        ), table
        assert re.search(r"Completed +1/1 +increase_resources +Deployment/shop/checkout", table)
        assert re.search(r"Completed +increase_resources +Deployment/shop/checkout +Passed", table)
        demo.send_signal(signal.SIGINT)
        assert demo.wait(30) == 0
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()
