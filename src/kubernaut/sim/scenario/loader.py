"""Loading scenarios from disk: ``<name>/scenario.yaml``, ``manifests/``, the signal."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from kubernaut.sim.manifests import MANIFEST_SUFFIXES, ManifestError, load_manifests
from kubernaut.sim.objects import Obj
from kubernaut.sim.scenario.errors import ScenarioError, model_keys
from kubernaut.sim.scenario.model import API_VERSION, Expectations, ScenarioSpec, SignalSpec
from kubernaut.sim.scenario.predicates import ObjectRef
from kubernaut.sim.scenario.signals import ScenarioSignal, read_signal
from kubernaut.sim.server import Simulator

SCENARIO_FILE = "scenario.yaml"
MANIFESTS_DIR = "manifests"
INCIDENT_DIR = "incident"
SIGNAL_FILES = ("signal.yaml", "signal.json")
SUPPORTED_VERSIONS = {API_VERSION: ScenarioSpec}
"""Every version of the format this loader reads, and its model."""

_CHECKED_TARGET_KINDS = frozenset(
    {"deployment", "statefulset", "daemonset", "service", "horizontalpodautoscaler", "node"}
)
"""Kinds an acceptable action's target must name an object of the starting cluster for:
the others (pods, claims) may have names the cluster generates."""


@dataclass(frozen=True)
class Scenario:
    """A loaded, validated scenario."""

    spec: ScenarioSpec
    directory: Path
    manifests: list[Obj]
    """The starting cluster, in the order the simulator applies it."""
    incident: list[Obj]
    """What changes once the starting cluster has settled (empty when nothing does)."""
    signal: ScenarioSignal

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def expectations(self) -> Expectations:
        return self.spec.expectations

    def build_simulator(self, **overrides: Any) -> Simulator:
        """A simulator (not started) for this scenario: its manifests, seed and missing
        images; ``overrides`` are further ``Simulator`` arguments (``speed``, ``port``...)
        and win over the scenario's. Use it with ``with`` or ``async with``."""
        options: dict[str, Any] = {
            "seed": self.spec.simulator.seed,
            "manifests": copy.deepcopy(self.manifests),
            "missing_images": tuple(self.spec.simulator.registry.missing),
        }
        options.update(overrides)
        return Simulator(**options)

    def start_simulator(self, **overrides: Any) -> Simulator:
        """:meth:`build_simulator`, started. Stop it with ``stop()`` (or use ``with``)."""
        return self.build_simulator(**overrides).start()


def load_scenario(path: Path) -> Scenario:
    """Load the scenario in directory ``path`` (or its ``scenario.yaml``).

    Raises :class:`ScenarioError` naming the file and field of every problem found.
    """
    directory = path.parent if path.name == SCENARIO_FILE and path.is_file() else path
    file = directory / SCENARIO_FILE
    if not file.is_file():
        raise ScenarioError.at(directory, "", f"not a scenario: it has no {SCENARIO_FILE}")
    spec = _read_spec(file)
    directory_name = directory.resolve().name
    if spec.name != directory_name:
        raise ScenarioError.at(
            file, "name", f"{spec.name!r} must equal the directory's name {directory_name!r}"
        )
    manifests = _read_manifests(directory / MANIFESTS_DIR, required=True)
    incident = _read_manifests(directory / INCIDENT_DIR, required=False)
    _check_references(file, spec, [*manifests, *incident])
    signal = read_signal(_signal_path(file, directory, spec.signal), spec.signal.type)
    return Scenario(spec, directory, manifests, incident, signal)


def list_scenarios(root: Path) -> list[Scenario]:
    """Every scenario in the directories under ``root``, by name."""
    if not root.is_dir():
        raise ScenarioError.at(root, "", "no such directory")
    return [
        load_scenario(child)
        for child in sorted(root.iterdir())
        if (child / SCENARIO_FILE).is_file()
    ]


def builtin_scenarios_dir() -> Path:
    """The scenarios shipped with Kubernaut: ``kubernaut/data/scenarios`` inside an
    installed package, else ``evals/scenarios`` of the source checkout."""
    package = Path(__file__).resolve().parents[2]
    candidates = (package / "data" / "scenarios", package.parents[1] / "evals" / "scenarios")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    looked = " and ".join(str(candidate) for candidate in candidates)
    raise ScenarioError([f"no built-in scenarios: looked in {looked}"])


def _read_spec(file: Path) -> ScenarioSpec:
    try:
        raw = yaml.safe_load(file.read_text())
    except yaml.YAMLError as error:
        raise ScenarioError.at(file, "", f"not valid YAML: {error}") from None
    if not isinstance(raw, dict):
        raise ScenarioError.at(file, "", "must be a mapping of the scenario's fields")
    supported = ", ".join(SUPPORTED_VERSIONS)
    version = raw.get("apiVersion")
    if version is None:
        raise ScenarioError.at(file, "apiVersion", f"is required (supported: {supported})")
    model = SUPPORTED_VERSIONS.get(str(version))
    if model is None:
        raise ScenarioError.at(
            file, "apiVersion", f"{version!r} is not a supported version (supported: {supported})"
        )
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        raise ScenarioError.from_validation(file, error, model_keys(model)) from None


def _read_manifests(directory: Path, *, required: bool) -> list[Obj]:
    if not directory.is_dir():
        if not required:
            return []
        raise ScenarioError.at(
            directory, "", "no such directory: the starting cluster is its manifests/*.yaml"
        )
    manifests: list[Obj] = []
    for file in sorted(p for p in directory.iterdir() if p.suffix in MANIFEST_SUFFIXES):
        try:
            objects = load_manifests(file)
        except ManifestError as error:
            raise ScenarioError([str(error)]) from None
        for index, obj in enumerate(objects):
            name = (obj.get("metadata") or {}).get("name")
            if not isinstance(name, str) or not name:
                raise ScenarioError.at(
                    file, f"object {index + 1} ({obj['kind']})", "metadata.name is required"
                )
        manifests.extend(objects)
    if not manifests and required:
        raise ScenarioError.at(directory, "", "no manifests: the starting cluster is empty")
    return manifests


def _signal_path(file: Path, directory: Path, signal: SignalSpec) -> Path:
    if signal.file is not None:
        path = directory / signal.file
        if not path.resolve().is_relative_to(directory.resolve()):
            raise ScenarioError.at(
                file, "signal.file", f"{signal.file!r} is outside the scenario directory"
            )
        if not path.is_file():
            raise ScenarioError.at(file, "signal.file", f"{signal.file!r} does not exist")
        return path
    found = [directory / name for name in SIGNAL_FILES if (directory / name).is_file()]
    if not found:
        raise ScenarioError.at(
            file, "signal", "no signal file: add signal.yaml or signal.json, or set signal.file"
        )
    if len(found) > 1:
        raise ScenarioError.at(
            file, "signal", "both signal.yaml and signal.json exist: remove one or set signal.file"
        )
    return found[0]


def _check_references(file: Path, spec: ScenarioSpec, manifests: list[Obj]) -> None:
    """Objects the expectations name must be in the starting cluster (typos otherwise
    surface only as a predicate that never holds)."""
    present: set[tuple[str, str | None, str]] = set()
    for obj in manifests:
        kind, metadata = obj["kind"].lower(), obj["metadata"]
        present.add((kind, metadata.get("namespace") or "default", metadata["name"]))
        present.add((kind, None, metadata["name"]))
    problems = []
    expectations = spec.expectations
    for index, predicate in enumerate(expectations.health):
        for ref in predicate.references():
            if (ref.kind.lower(), ref.namespace, ref.name) not in present:
                where = f"expectations.health[{index}].{predicate.key}"
                problems.append(f"{file}: {where}: {_describe(ref)} is not in the manifests")
    for index, action in enumerate(expectations.acceptable_actions):
        target = action.target
        if target is None or target.kind.lower() not in _CHECKED_TARGET_KINDS:
            continue
        if any(character in target.name for character in "*?["):
            continue
        if (target.kind.lower(), target.namespace, target.name) not in present:
            where = f"expectations.acceptableActions[{index}].target"
            problems.append(f"{file}: {where}: {target} is not in the manifests")
    if problems:
        raise ScenarioError(problems)


def _describe(ref: ObjectRef) -> str:
    return f"{ref.kind} {ref.namespace}/{ref.name}" if ref.namespace else f"{ref.kind} {ref.name}"
