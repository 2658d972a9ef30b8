"""`kubernaut serve controllers` as an operator starts it: it says what is missing,
watches once ready, and stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from kubernaut.sim.server import Simulator

SERVE = [sys.executable, "-m", "kubernaut", "serve", "controllers"]


def _env(database_url: str) -> dict[str, str]:
    return {**os.environ, "KUBERNAUT_DATABASE_URL": database_url}


def test_missing_crds_and_namespace_say_what_to_run(sim: Simulator, database_url: str) -> None:
    command = [*SERVE, "--kubeconfig", str(sim.kubeconfig_path)]
    no_crds = subprocess.run(
        command, capture_output=True, text=True, env=_env(database_url), timeout=60
    )
    assert no_crds.returncode == 1
    assert "the CRDs are not installed" in no_crds.stderr
    assert "kubernaut crds apply" in no_crds.stderr

    no_namespace = subprocess.run(
        [*command, "--install-crds", "--namespace", "remediations"],
        capture_output=True,
        text=True,
        env=_env(database_url),
        timeout=60,
    )
    assert no_namespace.returncode == 1
    assert "namespace remediations does not exist: kubectl create namespace remediations" in (
        no_namespace.stderr
    )


def test_runs_until_sigterm_then_exits_zero(sim: Simulator, database_url: str) -> None:
    sim.apply([{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "kubernaut-system"}}])
    process = subprocess.Popen(
        [*SERVE, "--kubeconfig", str(sim.kubeconfig_path), "--install-crds"],
        stderr=subprocess.PIPE,
        text=True,
        env=_env(database_url),
    )
    try:
        assert process.stderr is not None
        deadline = time.monotonic() + 60
        line = ""
        while "watching namespace" not in line and time.monotonic() < deadline:
            line = process.stderr.readline()
        assert "watching namespace kubernaut-system" in line
        assert f"on {sim.url}" in line
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
