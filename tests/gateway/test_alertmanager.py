"""A real Alertmanager with a webhook receiver pointing at the gateway: an alert fired
through its API becomes a RemediationRequest; repeats raise its occurrence count on the
same object; resolution marks it."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from gateway_support import RR_NAMESPACE, TOKEN

from kubernaut.gateway.server import GatewayServer
from kubernaut.sim.server import ADMIN_TOKEN, Simulator
from support import wait_for

BINARIES = ("prometheus-alertmanager", "alertmanager")


def _binary() -> str:
    """Alertmanager, installed from Debian's prometheus-alertmanager package if missing."""
    for name in BINARIES:
        if found := shutil.which(name):
            return found
    if shutil.which("apt-get") is None:
        pytest.fail("Alertmanager is missing and there is no apt-get to install it with")
    steps = [
        ["apt-get", "install", "-y", "prometheus-alertmanager"],
        ["apt-get", "update"],
        ["apt-get", "install", "-y", "prometheus-alertmanager"],
    ]
    output = ""
    for step in steps:
        done = subprocess.run(
            step,
            capture_output=True,
            text=True,
            env={"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
            timeout=300,
            check=False,
        )
        output = done.stdout[-2000:] + done.stderr[-2000:]
        for name in BINARIES:
            if found := shutil.which(name):
                return found
    pytest.fail(
        f"could not install Alertmanager (apt-get install prometheus-alertmanager):\n{output}"
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def gateway_server(cluster: Simulator) -> Iterator[GatewayServer]:
    with GatewayServer(
        kubeconfig=cluster.kubeconfig_path,
        namespace=RR_NAMESPACE,
        token=TOKEN,
        gateway_tokens=[TOKEN],
        redis_url=None,
    ) as server:
        yield server


@pytest.fixture
def alertmanager(gateway_server: GatewayServer, tmp_path: Path) -> Iterator[str]:
    binary = _binary()
    config = {
        "route": {
            "receiver": "kubernaut",
            "group_by": ["..."],
            "group_wait": "100ms",
            "group_interval": "500ms",
            "repeat_interval": "1s",
        },
        "receivers": [
            {
                "name": "kubernaut",
                "webhook_configs": [
                    {
                        "url": f"{gateway_server.url}/api/v1/signals/prometheus",
                        "send_resolved": True,
                        "http_config": {"authorization": {"type": "Bearer", "credentials": TOKEN}},
                    }
                ],
            }
        ],
    }
    (tmp_path / "alertmanager.yml").write_text(json.dumps(config))
    port = _free_port()
    process = subprocess.Popen(
        [
            binary,
            f"--config.file={tmp_path / 'alertmanager.yml'}",
            f"--storage.path={tmp_path / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--cluster.listen-address=",
            "--log.level=warn",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"{url}/-/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read() if process.stdout else ""
                pytest.fail(f"Alertmanager did not start:\n{output}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(10)


def _remediations(cluster: Simulator) -> list[dict[str, Any]]:
    answer = httpx.get(
        f"{cluster.url}/apis/kubernaut.io/v1alpha1/namespaces/{RR_NAMESPACE}/remediationrequests",
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
    )
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


def _fire(alertmanager: str, pod: str, *, ends: datetime | None = None) -> None:
    now = datetime.now(UTC)
    body = [
        {
            "labels": {
                "alertname": "KubePodCrashLooping",
                "namespace": "shop",
                "pod": pod,
                "severity": "critical",
            },
            "annotations": {"summary": f"{pod} is crash looping"},
            "startsAt": (now - timedelta(minutes=1)).isoformat(),
            "endsAt": (ends or now + timedelta(minutes=10)).isoformat(),
        }
    ]
    answer = httpx.post(f"{alertmanager}/api/v2/alerts", json=body)
    assert answer.status_code == 200, answer.text


def _occurrences(cluster: Simulator) -> list[int]:
    return [
        int(((r.get("status") or {}).get("deduplication") or {}).get("occurrences") or 0)
        for r in _remediations(cluster)
    ]


@pytest.mark.slow
def test_alertmanager_alert_repeats_and_resolution(
    cluster: Simulator, alertmanager: str, capsys: pytest.CaptureFixture[str]
) -> None:
    pods = httpx.get(
        f"{cluster.url}/api/v1/namespaces/shop/pods",
        params={"labelSelector": "app=checkout"},
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
    ).json()["items"]
    first, second = (p["metadata"]["name"] for p in pods)

    _fire(alertmanager, first)
    wait_for(lambda: _occurrences(cluster), timeout=15)
    seen = [_occurrences(cluster)[0]]

    _fire(alertmanager, second)  # another pod of the same Deployment: the same incident
    wait_for(lambda: _occurrences(cluster)[0] >= seen[0] + 3, timeout=20)
    seen.append(_occurrences(cluster)[0])
    [rr] = _remediations(cluster)
    assert rr["spec"]["target"] == {"kind": "Deployment", "namespace": "shop", "name": "checkout"}
    assert rr["spec"]["signal"]["source"] == "alertmanager"

    past = datetime.now(UTC) - timedelta(seconds=5)
    _fire(alertmanager, first, ends=past)
    _fire(alertmanager, second, ends=past)
    resolved = wait_for(
        lambda: [r for r in _remediations(cluster) if r["status"].get("signalResolvedAt")],
        timeout=20,
    )
    assert len(_remediations(cluster)) == 1
    seen.append(int(resolved[0]["status"]["deduplication"]["occurrences"]))
    assert seen == sorted(seen) and seen[-1] > seen[0]
    with capsys.disabled():
        print(
            f"\nAlertmanager: occurrence counts observed {seen}; resolved at "
            f"{resolved[0]['status']['signalResolvedAt']}"
        )
