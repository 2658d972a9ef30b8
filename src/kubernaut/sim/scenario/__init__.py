"""Scenarios: incidents described on disk, for the demo, the tests and the evals.

A scenario is a directory with ``scenario.yaml`` (format ``kubernaut.io/scenario/v1``),
``manifests/`` (the starting cluster) and a signal file. docs/scenarios.md describes it.

    scenario = load_scenario(Path("evals/scenarios/oom-kill"))
    scenario.expectations.accepts("increase_resources", target, {"memory_limit": "1Gi"})
    async with scenario.build_simulator(speed=50) as sim:
        async with HttpClusterReader(sim.kubeconfig_path) as reader:
            report = await evaluate_health(scenario.expectations.health, reader)
"""

from kubernaut.core.categories import CATEGORY_DESCRIPTIONS, RootCauseCategory
from kubernaut.sim.scenario.actions import (
    AcceptableAction,
    AcceptanceResult,
    ActionTarget,
    ForbiddenAction,
    ForbiddenResult,
)
from kubernaut.sim.scenario.catalog import ACTION_CATALOG, DESTRUCTIVE_ACTIONS
from kubernaut.sim.scenario.errors import ScenarioError
from kubernaut.sim.scenario.loader import (
    SUPPORTED_VERSIONS,
    Scenario,
    builtin_scenarios_dir,
    list_scenarios,
    load_scenario,
)
from kubernaut.sim.scenario.model import (
    API_VERSION,
    Difficulty,
    Expectations,
    RootCause,
    ScenarioSpec,
    SimulatorSettings,
)
from kubernaut.sim.scenario.predicates import (
    PREDICATES,
    HealthPredicate,
    HealthReport,
    Predicate,
    PredicateResult,
    evaluate_health,
)
from kubernaut.sim.scenario.reader import ClusterReader, ClusterReadError, HttpClusterReader
from kubernaut.sim.scenario.signals import ScenarioSignal, SignalType

__all__ = [
    "ACTION_CATALOG",
    "API_VERSION",
    "CATEGORY_DESCRIPTIONS",
    "DESTRUCTIVE_ACTIONS",
    "PREDICATES",
    "SUPPORTED_VERSIONS",
    "AcceptableAction",
    "AcceptanceResult",
    "ActionTarget",
    "ClusterReadError",
    "ClusterReader",
    "Difficulty",
    "Expectations",
    "ForbiddenAction",
    "ForbiddenResult",
    "HealthPredicate",
    "HealthReport",
    "HttpClusterReader",
    "Predicate",
    "PredicateResult",
    "RootCause",
    "RootCauseCategory",
    "Scenario",
    "ScenarioError",
    "ScenarioSignal",
    "ScenarioSpec",
    "SignalType",
    "SimulatorSettings",
    "builtin_scenarios_dir",
    "evaluate_health",
    "list_scenarios",
    "load_scenario",
]
