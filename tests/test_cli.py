"""The kubernaut command as a user runs it: a subprocess."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from kubernaut import __version__
from support import Kubectl, find_kubectl

KUBERNAUT = [sys.executable, "-m", "kubernaut"]


def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KUBERNAUT, *args], capture_output=True, text=True, timeout=timeout)


def test_version_and_help() -> None:
    assert run("--version").stdout.strip() == f"kubernaut {__version__}"
    help_text = run("--help").stdout
    assert "demo" in help_text and "sim" in help_text


def test_help_does_not_import_the_heavy_modules() -> None:
    heavy = ("uvicorn", "kubernaut.sim.server", "orjson")
    probe = f"import sys, kubernaut.cli; print(sorted(m for m in {heavy} if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stdout.strip() == "[]"


def test_sim_serve_prints_the_kubeconfig_export_and_serves_kubectl(tmp_path: Path) -> None:
    kubeconfig = tmp_path / "kubeconfig"
    server = subprocess.Popen(
        [*KUBERNAUT, "sim", "serve", "--kubeconfig-out", str(kubeconfig), "--no-sample"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        export = server.stdout.readline()
        assert "listening on http://127.0.0.1:" in first
        assert export.strip() == f"export KUBECONFIG={kubeconfig}"
        kubectl = Kubectl(find_kubectl(), kubeconfig, tmp_path / "cache")
        assert "kube-system" in kubectl("get", "namespaces")
    finally:
        server.send_signal(signal.SIGINT)
        assert server.wait(15) == 0


def test_sim_serve_with_a_bad_scenario_says_what_is_wrong(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("just: a mapping\n")
    result = run("sim", "serve", "--scenario", str(broken))
    assert result.returncode == 2
    assert f"{broken}: document 1 is not a Kubernetes object" in result.stderr
    missing = run("sim", "serve", "--scenario", str(tmp_path / "nope"))
    assert missing.returncode == 2
    assert "no such file or directory" in missing.stderr


def test_serve_gateway_refuses_to_start_without_a_way_to_authenticate() -> None:
    result = run("serve", "gateway", "--port", "0")
    assert result.returncode == 2
    assert "no way to authenticate senders" in result.stderr
