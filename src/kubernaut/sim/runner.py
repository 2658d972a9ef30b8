"""What ``kubernaut sim serve`` and ``kubernaut demo`` run."""

from __future__ import annotations

import asyncio
import signal
import sys
import threading
import time
from importlib import resources
from pathlib import Path
from typing import Any

from kubernaut.sim.manifests import ManifestError, load_manifests
from kubernaut.sim.objects import Obj
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


def demo(speed: float) -> int:
    """Start the sample cluster, wait for its workloads to be ready, and print them."""
    started = time.monotonic()
    print("Starting the simulated cluster (3 nodes, sample shop application) ...", flush=True)
    with Simulator(speed=speed, manifests=sample_manifests()) as simulator:
        deadline = time.monotonic() + 60
        while True:
            rows = simulator.call(_workload_rows)
            pending = [row for row in rows if row[2] != row[3]]
            ready = len(rows) - len(pending)
            print(f"  workloads ready: {ready}/{len(rows)}", flush=True)
            if not pending:
                break
            if time.monotonic() > deadline:
                print("error: workloads did not become ready within 60 s:", file=sys.stderr)
                for row in pending:
                    print(f"  {row[0]} {row[1]}: {row[2]}/{row[3]} ready", file=sys.stderr)
                return 1
            time.sleep(0.5)
        print()
        print(f"{'NAMESPACE':<12} {'WORKLOAD':<28} {'READY':<7} {'PODS'}")
        for namespace, name, ready_count, wanted, pods in rows:
            print(f"{namespace:<12} {name:<28} {f'{ready_count}/{wanted}':<7} {', '.join(pods)}")
    elapsed = time.monotonic() - started
    print(f"\nAll workloads ready in {elapsed:.1f}s (simulated time runs x{speed:g}).")
    print("Run it yourself: kubernaut sim serve, then kubectl get pods -A")
    return 0


def _workload_rows(cluster: Any) -> list[tuple[str, str, int, int, list[str]]]:
    pods = cluster.resource("v1", "Pod")
    rows = []
    for api_version, kind in WORKLOAD_KINDS:
        resource = cluster.resource(api_version, kind)
        for namespace in SAMPLE_NAMESPACES:
            for obj in cluster.store.scan(resource, namespace):
                wanted, ready = _replica_counts(kind, obj)
                owned = sorted(
                    p["metadata"]["name"]
                    for p in cluster.store.scan(pods, namespace)
                    if _owned_by(cluster, p, obj)
                )
                rows.append(
                    (namespace, f"{kind.lower()}/{obj['metadata']['name']}", ready, wanted, owned)
                )
    return rows


def _replica_counts(kind: str, obj: Obj) -> tuple[int, int]:
    status = obj.get("status") or {}
    if kind == "DaemonSet":
        return int(status.get("desiredNumberScheduled", 0)) or -1, int(status.get("numberReady", 0))
    return int(obj.get("spec", {}).get("replicas", 1)), int(status.get("readyReplicas", 0))


def _owned_by(cluster: Any, pod: Obj, workload: Obj) -> bool:
    """Directly, or through a ReplicaSet the workload owns."""
    uid = workload["metadata"]["uid"]
    for ref in pod["metadata"].get("ownerReferences") or []:
        if ref.get("uid") == uid:
            return True
        owner = cluster.store.by_uid(ref.get("uid", ""))
        if owner is not None and any(
            r.get("uid") == uid for r in owner[1]["metadata"].get("ownerReferences") or []
        ):
            return True
    return False
