"""`kubernaut serve gateway` as an operator runs it: a process that serves signals."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
from gateway_support import AUTH, TOKEN, alert, webhook

from kubernaut.sim.server import Simulator


def test_serve_gateway_takes_an_alert_and_reports_ready(cluster: Simulator) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "kubernaut", "serve", "gateway", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--kubeconfig", str(cluster.kubeconfig_path)]
    process = subprocess.Popen(
        command,
        env={**os.environ, "KUBERNAUT_GATEWAY_TOKENS": f"other,{TOKEN}"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                ready = httpx.get(f"{url}/readyz", timeout=1)
                break
            except httpx.HTTPError:
                assert process.poll() is None and time.monotonic() < deadline, process.stderr
                time.sleep(0.1)
        assert ready.status_code == 200, ready.text
        payload = webhook(
            alert("KubeDeploymentReplicasMismatch", namespace="shop", deployment="checkout")
        )
        answer = httpx.post(f"{url}/api/v1/signals/prometheus", json=payload, headers=AUTH)
        assert answer.status_code == 201, answer.text
    finally:
        process.terminate()
        out, _ = process.communicate(timeout=15)
    assert "Kubernaut gateway on http://127.0.0.1:" in out
    assert "RemediationRequests in kubernaut-system, in-process store" in out
