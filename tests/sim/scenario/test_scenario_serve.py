"""``kubernaut sim serve --scenario DIR`` as a user runs it."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from scenario_helpers import WEB_OOM, copy_example, edit_yaml

from support import Kubectl, find_kubectl

KUBERNAUT = [sys.executable, "-m", "kubernaut"]


def test_serving_a_scenario_names_it_and_its_signal_and_serves_its_cluster(
    tmp_path: Path,
) -> None:
    kubeconfig = tmp_path / "kubeconfig"
    server = subprocess.Popen(
        [
            *KUBERNAUT,
            "sim",
            "serve",
            "--scenario",
            str(WEB_OOM),
            "--kubeconfig-out",
            str(kubeconfig),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        scenario_line = server.stdout.readline()
        listening = server.stdout.readline()
        export = server.stdout.readline()
        assert scenario_line.strip() == (
            f"Scenario web-oom (easy): its alertmanager signal is {WEB_OOM / 'signal.yaml'}"
        )
        assert "listening on http://127.0.0.1:" in listening
        assert export.strip() == f"export KUBECONFIG={kubeconfig}"
        kubectl = Kubectl(find_kubectl(), kubeconfig, tmp_path / "cache")
        assert kubectl("get", "nodes", "-o", "name").split() == ["node/worker-1"]  # no sample
        assert "web" in kubectl("get", "deployments", "-n", "shop", "-o", "name")
    finally:
        server.send_signal(signal.SIGINT)
        assert server.wait(15) == 0


def test_serving_a_broken_scenario_exits_2_with_the_problem(tmp_path: Path) -> None:
    directory = copy_example(tmp_path)
    edit_yaml(directory / "scenario.yaml", lambda document: {**document, "difficulty": "extreme"})
    result = subprocess.run(
        [*KUBERNAUT, "sim", "serve", "--scenario", str(directory)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"error: {directory}/scenario.yaml: difficulty: 'extreme' is not one of 'easy', "
        "'medium' or 'hard'"
    )
    assert result.stdout == ""


def test_a_plain_manifest_directory_is_still_served_as_manifests(tmp_path: Path) -> None:
    kubeconfig = tmp_path / "kubeconfig"
    server = subprocess.Popen(
        [
            *KUBERNAUT,
            "sim",
            "serve",
            "--no-sample",
            "--scenario",
            str(WEB_OOM / "manifests"),
            "--kubeconfig-out",
            str(kubeconfig),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        assert "listening on http://127.0.0.1:" in server.stdout.readline()
        server.stdout.readline()
        kubectl = Kubectl(find_kubectl(), kubeconfig, tmp_path / "cache")
        assert kubectl("get", "nodes", "-o", "name").split() == ["node/worker-1"]
    finally:
        server.send_signal(signal.SIGINT)
        assert server.wait(15) == 0
