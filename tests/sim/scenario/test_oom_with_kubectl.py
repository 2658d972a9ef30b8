"""The OOM scenario as an SRE meets it: `kubernaut sim serve --scenario`, then kubectl."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kubernaut.sim.scenario import builtin_scenarios_dir
from support import Kubectl, find_kubectl, wait_for

pytestmark = [pytest.mark.kubectl, pytest.mark.slow]


def test_oomkilled_scenario_seen_and_cured_with_kubectl(tmp_path: Path) -> None:
    kubeconfig = tmp_path / "kubeconfig"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kubernaut",
            "sim",
            "serve",
            "--speed",
            "20",
            "--scenario",
            str(builtin_scenarios_dir() / "oomkilled"),
            "--kubeconfig-out",
            str(kubeconfig),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        lines = [server.stdout.readline() for _ in range(3)]
        assert lines[0].startswith("Scenario oomkilled"), lines
        kubectl = Kubectl(find_kubectl(), kubeconfig, tmp_path / "cache")
        kubectl.run("config", "set-context", "--current", "--namespace", "shop")

        wait_for(lambda: "CrashLoopBackOff" in kubectl("get", "pods"), timeout=60)
        pod = kubectl("get", "pods", "-l", "app=checkout", "-o", "name").split()[0]
        described = kubectl("describe", pod)
        assert "Reason:       OOMKilled" in described
        assert "Exit Code:    137" in described
        events = described.split("Events:")[1]
        assert "BackOff" in events and "Back-off restarting failed container checkout" in events
        # --previous exists once the container has restarted at least once
        previous = wait_for(
            lambda: kubectl.run("logs", pod, "--previous", check=False).stdout, timeout=60
        )
        assert "INFO cache warmed: 41235 entries" in previous

        kubectl("set", "resources", "deployment/checkout", "--limits=memory=512Mi")
        kubectl("rollout", "status", "deployment/checkout", "--timeout=90s")
        ready = kubectl("get", "deployment", "checkout", "-o", "jsonpath={.status.readyReplicas}")
        assert ready == "2"
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(15)
