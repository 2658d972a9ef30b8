"""What ``kubernaut sim serve`` and ``kubernaut demo`` run."""

from __future__ import annotations

import asyncio
import signal
import sys
import threading
from importlib import resources
from pathlib import Path
from typing import Any

from kubernaut.sim.manifests import ManifestError, load_manifests
from kubernaut.sim.scenario import ClusterReadError, Scenario, ScenarioError, load_scenario
from kubernaut.sim.scenario.loader import INCIDENT_DIR, SCENARIO_FILE
from kubernaut.sim.scenario.staging import stage_incident
from kubernaut.sim.server import Simulator

SAMPLE_NAMESPACES = ("shop", "monitoring")
WORKLOAD_KINDS = (("apps/v1", "Deployment"), ("apps/v1", "StatefulSet"), ("apps/v1", "DaemonSet"))


def sample_manifests() -> list[dict[str, Any]]:
    sample = resources.files("kubernaut.sim").joinpath("samples/cluster.yaml")
    with resources.as_file(sample) as path:
        return load_manifests(Path(path))


def serve(
    port: int,
    scenario: Path | None,
    kubeconfig_out: Path | None,
    speed: float,
    seed: int,
    sample: bool,
) -> int:
    options: dict[str, Any] = {
        "port": port,
        "speed": speed,
        "kubeconfig_path": kubeconfig_out.resolve() if kubeconfig_out else None,
    }
    loaded: Scenario | None = None
    if scenario is not None and (scenario / SCENARIO_FILE).is_file():
        # A scenario is a whole cluster: it replaces the sample, and brings its seed
        # (unless --seed asks for another) and its registry's missing images.
        try:
            loaded = load_scenario(scenario)
        except ScenarioError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        if seed:
            options["seed"] = seed
        print(
            f"Scenario {loaded.name} ({loaded.spec.difficulty}): "
            f"its {loaded.signal.type} signal is {loaded.signal.path}"
        )
    else:
        manifests = sample_manifests() if sample else []
        if scenario is not None:
            try:
                manifests.extend(load_manifests(scenario))
            except ManifestError as error:
                print(f"error: {error}", file=sys.stderr)
                return 2
        options.update(seed=seed, manifests=manifests)
    try:
        simulator = (loaded.build_simulator(**options) if loaded else Simulator(**options)).start()
    except (RuntimeError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        print("hint: pick another --port, or 0 for any free one", file=sys.stderr)
        return 1
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(f"Kubernetes API simulator listening on {simulator.url} (speed x{speed:g})")
    print(f"export KUBECONFIG={simulator.kubeconfig_path}", flush=True)
    if loaded is not None and loaded.incident:
        threading.Thread(target=_stage, args=(loaded, simulator), daemon=True).start()
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        simulator.stop()
    return 0


def _stage(scenario: Scenario, simulator: Simulator) -> None:
    """Apply the scenario's incident once its starting workloads are ready."""
    try:
        asyncio.run(stage_incident(scenario, simulator))
    except (TimeoutError, ClusterReadError, RuntimeError) as error:
        print(f"error: {error}", file=sys.stderr, flush=True)
        return
    print(f"Incident of {scenario.name} applied ({INCIDENT_DIR}/).", flush=True)
