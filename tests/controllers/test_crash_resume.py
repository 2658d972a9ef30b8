"""A controller process killed with SIGKILL at several points of one remediation, and
started again each time: the remediation completes, and its step reaches the workload
exactly once (the simulator's request log is the witness).

Each kill point is made exact by holding the request the controller is about to send:
the process dies while that request waits, and the request is then dropped, as if the
process had died just before sending it.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from controllers_support import (
    NS,
    creating,
    eventually,
    get,
    install,
    phase_of,
    remediation_for,
    status_patch,
)

from kubernaut.evals.staging import incident_simulator
from kubernaut.kube import KubeClient
from kubernaut.sim.holds import HeldRequest
from kubernaut.sim.scenario import builtin_scenarios_dir, load_scenario
from kubernaut.sim.server import Simulator

OOM = load_scenario(builtin_scenarios_dir() / "oomkilled")


def _workload_write(request: HeldRequest) -> bool:
    return (
        request.method == "PATCH"
        and request.path.endswith("/deployments/checkout")
        and "dryRun" not in request.query
    )


KILL_POINTS: list[tuple[str, Callable[[HeldRequest], bool]]] = [
    ("mid-analysis, before recommend", status_patch("aianalyses", b"Recommending")),
    ("analysis done, workflow not created", creating("workflowexecutions")),
    ("execution created, workload not written", _workload_write),
    (
        "workload written, execution not marked done",
        status_patch("kubernetesexecutions", b"Completed"),
    ),
    ("mid-verify", status_patch("workflowexecutions", b"Verifying")),
]


class ControllerProcess:
    """``kubernaut serve controllers`` in a child process, the way an operator runs it."""

    def __init__(self, sim: Simulator, database_url: str, log: Path) -> None:
        self._command = [
            sys.executable,
            "-m",
            "kubernaut",
            "serve",
            "controllers",
            "--kubeconfig",
            str(sim.kubeconfig_path),
            "--namespace",
            NS,
        ]
        self._env = {
            **os.environ,
            "KUBERNAUT_DATABASE_URL": database_url,
            "KUBERNAUT_RESYNC": "0.5",
            "KUBERNAUT_VERIFY_TIMEOUT": "60",
            "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        }
        self._log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self._log.open("ab") as out:
            self.process = subprocess.Popen(self._command, env=self._env, stdout=out, stderr=out)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def log_tail(self) -> str:
        return self._log.read_text(errors="replace")[-6000:]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(30)


async def _story(client: KubeClient) -> str:
    """Phases and trail decisions of the remediation's objects, for a failure message."""
    lines = []
    for kind in ("RemediationRequest", "AIAnalysis", "WorkflowExecution", "KubernetesExecution"):
        for obj in await client.list("kubernaut.io/v1alpha1", kind, NS):
            status = obj.get("status") or {}
            trail = [f"{e['node']}->{e.get('decision')}" for e in status.get("trail") or []]
            lines.append(f"{kind} {obj['metadata']['name']}: {status.get('phase')} {trail}")
    return "; ".join(lines)


@pytest.mark.slow
async def test_sigkill_at_each_point_then_restart_completes_exactly_once(
    tmp_path: Path, database_url: str
) -> None:
    async with incident_simulator(OOM, speed=20) as sim, KubeClient(sim.kubeconfig_path) as client:
        await install(client)
        controller = ControllerProcess(sim, database_url, tmp_path / "controllers.log")
        hold = sim.hold(KILL_POINTS[0][1])
        controller.start()
        await client.create(remediation_for(OOM.signal.payload, "oom"))
        try:
            for index, (what, _) in enumerate(KILL_POINTS):
                try:
                    caught = await asyncio.to_thread(hold.wait_caught, 90)
                except TimeoutError:
                    state = await _story(client)
                    pytest.fail(f"never reached {what!r}: {state}\n{controller.log_tail()}")
                controller.kill()
                print(f"killed {what}: {caught.method} {caught.path}")
                hold.release(drop=True)
                if index + 1 < len(KILL_POINTS):
                    hold = sim.hold(KILL_POINTS[index + 1][1])
                controller.start()
            done = await eventually(
                lambda: get(client, "RemediationRequest", "oom"),
                lambda rr: phase_of(rr) in ("Completed", "Failed", "TimedOut"),
                within=120,
            )
        finally:
            controller.stop()
        assert done["status"]["outcome"] == "Remediated", (done["status"], controller.log_tail())

        applied = [
            r
            for r in sim.request_log.writes()
            if r.resource == "deployments" and r.name == "checkout" and r.code < 300
        ]
        assert len(applied) == 1, applied
        executions = await client.list("kubernaut.io/v1alpha1", "KubernetesExecution", NS)
        assert len(executions) == 1
        assert executions[0]["status"]["result"]["status"] == "already-applied"
        created = [
            r
            for r in sim.request_log.writes()
            if r.resource == "kubernetesexecutions" and r.verb == "create" and r.code < 300
        ]
        assert len(created) == 1
