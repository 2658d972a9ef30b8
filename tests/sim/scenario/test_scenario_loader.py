"""Loading scenarios from disk, and the error a scenario author gets for each mistake."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from scenario_helpers import WEB_OOM, copy_example, edit_yaml

from kubernaut.sim.scenario import (
    Difficulty,
    RootCauseCategory,
    ScenarioError,
    ScenarioSpec,
    SignalType,
    builtin_scenarios_dir,
    list_scenarios,
    load_scenario,
)
from kubernaut.sim.scenario.predicates import DeploymentReady, NoContainerIn, ServiceHasEndpoints


def test_the_example_scenario_loads_with_everything_parsed() -> None:
    scenario = load_scenario(WEB_OOM)

    assert scenario.name == "web-oom"
    assert scenario.directory == WEB_OOM
    assert scenario.spec.difficulty is Difficulty.EASY
    assert scenario.spec.tags == ["memory", "deployment"]
    settings = scenario.spec.simulator
    assert (settings.seed, settings.time_budget, settings.stable_for, settings.warmup) == (
        7,
        300,
        30,
        60,
    )
    assert settings.registry.missing == ["ghcr.io/example/web:2.0.0-broken"]
    assert [obj["kind"] for obj in scenario.manifests] == [
        "Node",
        "Namespace",
        "Deployment",
        "Service",
    ]
    assert scenario.incident == []

    assert scenario.signal.type is SignalType.ALERTMANAGER
    assert scenario.signal.path == WEB_OOM / "signal.yaml"
    alert = scenario.signal.payload["alerts"][0]
    assert alert["startsAt"] == "2025-01-15T10:00:00Z"  # a string, as the JSON post carries it
    assert json.loads(json.dumps(scenario.signal.payload)) == scenario.signal.payload

    expectations = scenario.expectations
    assert expectations.root_cause.category is RootCauseCategory.RESOURCE_EXHAUSTION
    assert [type(p) for p in expectations.health] == [
        DeploymentReady,
        NoContainerIn,
        ServiceHasEndpoints,
    ]
    assert [action.type for action in expectations.acceptable_actions] == [
        "increase_resources",
        "restart_pod",
    ]
    assert load_scenario(WEB_OOM / "scenario.yaml").spec == scenario.spec


def test_the_spec_round_trips_through_its_yaml_form() -> None:
    spec = load_scenario(WEB_OOM).spec
    written = spec.model_dump(by_alias=True, mode="json", exclude_none=True)
    assert written["expectations"]["health"][0] == {
        "deploymentReady": {"namespace": "shop", "name": "web"}
    }
    assert written["expectations"]["acceptableActions"][0]["parameters"] == {
        "memory_limit": {"min": "384Mi", "max": "2Gi"}
    }
    assert ScenarioSpec.model_validate(yaml.safe_load(yaml.safe_dump(written))) == spec


def test_a_minimal_scenario_gets_the_documented_defaults(tmp_path: Path) -> None:
    directory = tmp_path / "minimal"
    (directory / "manifests").mkdir(parents=True)
    (directory / "manifests" / "node.yaml").write_text(
        "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n"
    )
    (directory / "scenario.yaml").write_text(
        yaml.safe_dump(
            {
                "apiVersion": "kubernaut.io/scenario/v1",
                "name": "minimal",
                "description": "A node goes NotReady.",
                "difficulty": "hard",
                "expectations": {
                    "rootCause": {"category": "node"},
                    "acceptableActions": [{"type": "notify_only"}],
                },
            }
        )
    )
    event = {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": "n1.1", "namespace": "default"},
        "involvedObject": {"kind": "Node", "name": "n1"},
        "reason": "NodeNotReady",
        "message": "Node n1 status is now: NodeNotReady",
        "type": "Warning",
    }
    (directory / "signal.json").write_text(json.dumps(event))

    scenario = load_scenario(directory)

    settings = scenario.spec.simulator
    assert (settings.seed, settings.time_budget, settings.stable_for, settings.warmup) == (
        0,
        600,
        60,
        120,
    )
    assert settings.registry.missing == []
    assert scenario.spec.tags == []
    assert scenario.signal.type is SignalType.KUBERNETES_EVENT
    assert scenario.signal.payload == event
    expectations = scenario.expectations
    assert expectations.forbidden_actions == [] and expectations.health == []
    assert expectations.root_cause.mentions == []


def test_the_incident_directory_is_loaded_after_the_starting_cluster(tmp_path: Path) -> None:
    directory = copy_example(tmp_path)
    (directory / "incident").mkdir()
    (directory / "incident" / "10-web-2.0.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web-flags, namespace: shop}\n"
    )
    scenario = load_scenario(directory)
    assert [obj["metadata"]["name"] for obj in scenario.incident] == ["web-flags"]
    assert len(scenario.manifests) == 4


def _scenario(change: Callable[[dict[str, Any]], Any]) -> Callable[[Path], None]:
    return lambda directory: edit_yaml(directory / "scenario.yaml", change)


def _signal(change: Callable[[dict[str, Any]], Any]) -> Callable[[Path], None]:
    return lambda directory: edit_yaml(directory / "signal.yaml", change)


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """Set a dotted path (numbers index lists) in the document."""

    def change(document: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = document
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return change


def _delete(path: str) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = document
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        del node[int(last) if isinstance(node, list) else last]

    return change


def _write(path: Path, text: str) -> None:
    path.write_text(text)


def _neither_alert_nor_event(directory: Path) -> None:
    _scenario(_delete("signal"))(directory)
    _signal(lambda document: {"hello": "world"})(directory)


SCENARIO_ERRORS: list[tuple[str, Callable[[Path], None], str]] = [
    (
        "unknown version",
        _scenario(_set("apiVersion", "kubernaut.io/scenario/v2")),
        "scenario.yaml: apiVersion: 'kubernaut.io/scenario/v2' is not a supported version "
        "(supported: kubernaut.io/scenario/v1)",
    ),
    (
        "no version",
        _scenario(_delete("apiVersion")),
        "scenario.yaml: apiVersion: is required (supported: kubernaut.io/scenario/v1)",
    ),
    (
        "misspelt field",
        _scenario(_set("simulator.timeBudge", 100)),
        "scenario.yaml: simulator.timeBudge: unknown field (did you mean 'timeBudget'?)",
    ),
    (
        "snake_case field",
        _scenario(_set("simulator.stable_for", 10)),
        "scenario.yaml: simulator.stable_for: unknown field (did you mean 'stableFor'?)",
    ),
    (
        "unknown action",
        _scenario(_set("expectations.acceptableActions.0.type", "increase_memory")),
        "scenario.yaml: expectations.acceptableActions[0].type: 'increase_memory' is not an "
        "action in the catalog (did you mean 'increase_resources'?)",
    ),
    (
        "destructive action as acceptable",
        _scenario(_set("expectations.acceptableActions.1.type", "delete_pvc")),
        "scenario.yaml: expectations.acceptableActions[1].type: 'delete_pvc' is destructive: "
        "it may appear only in forbiddenActions",
    ),
    (
        "unknown forbidden action",
        _scenario(_set("expectations.forbiddenActions.0.type", "nuke_cluster")),
        "scenario.yaml: expectations.forbiddenActions[0].type: 'nuke_cluster' is not an action "
        "in the catalog",
    ),
    (
        "name differs from the directory",
        _scenario(_set("name", "web-memory")),
        "scenario.yaml: name: 'web-memory' must equal the directory's name 'web-oom'",
    ),
    (
        "name is not a DNS label",
        _scenario(_set("name", "Web_OOM")),
        "scenario.yaml: name: 'Web_OOM' is not a DNS label (lowercase letters, digits and '-', "
        "starting and ending with a letter or digit, at most 63 characters)",
    ),
    (
        "unknown difficulty",
        _scenario(_set("difficulty", "extreme")),
        "scenario.yaml: difficulty: 'extreme' is not one of 'easy', 'medium' or 'hard'",
    ),
    (
        "unknown category",
        _scenario(_set("expectations.rootCause.category", "memory")),
        "scenario.yaml: expectations.rootCause.category: 'memory' is not one of "
        "'resource-exhaustion', 'configuration', 'image', 'bad-rollout', 'scheduling', 'node', "
        "'storage', 'scaling', 'dependency' or 'security'",
    ),
    (
        "stableFor longer than the time budget",
        _scenario(_set("simulator.stableFor", 400)),
        "scenario.yaml: simulator: stableFor (400) must not exceed timeBudget (300): health "
        "could never be proven in time",
    ),
    (
        "no acceptable action",
        _scenario(_set("expectations.acceptableActions", [])),
        "scenario.yaml: expectations.acceptableActions: must have at least 1 item(s)",
    ),
    (
        "range with min above max",
        _scenario(
            _set(
                "expectations.acceptableActions.0.parameters.memory_limit",
                {"min": "2Gi", "max": "384Mi"},
            )
        ),
        "scenario.yaml: expectations.acceptableActions[0].parameters.memory_limit: "
        "min 2Gi is greater than max 384Mi",
    ),
    (
        "range limit that is not a quantity",
        _scenario(
            _set("expectations.acceptableActions.0.parameters.memory_limit", {"min": "lots"})
        ),
        "scenario.yaml: expectations.acceptableActions[0].parameters.memory_limit: "
        "min: 'lots' is not a number or Kubernetes quantity",
    ),
    (
        "mapping that is no bound",
        _scenario(_set("expectations.acceptableActions.0.parameters.memory_limit", {"minimum": 1})),
        "scenario.yaml: expectations.acceptableActions[0].parameters.memory_limit: "
        "{'minimum': 1} is not a bound: a bound is an exact value, {min: X, max: Y} "
        "(either may be left out) or {oneOf: [...]}",
    ),
    (
        "empty oneOf",
        _scenario(_set("expectations.acceptableActions.1.parameters.reason", {"oneOf": []})),
        "scenario.yaml: expectations.acceptableActions[1].parameters.reason: "
        "oneOf must be a non-empty list of values",
    ),
    (
        "predicate missing a field",
        _scenario(_set("expectations.health.0", {"deploymentReady": {"namespace": "shop"}})),
        "scenario.yaml: expectations.health[0].deploymentReady.name: is required",
    ),
    (
        "predicate with an unknown field",
        _scenario(
            _set(
                "expectations.health.2",
                {"serviceHasEndpoints": {"namespace": "shop", "name": "web", "minimum": 2}},
            )
        ),
        "scenario.yaml: expectations.health[2].serviceHasEndpoints.minimum: unknown field",
    ),
    (
        "predicate with two names",
        _scenario(_set("expectations.health.0", {"podsReady": {}, "deploymentReady": {}})),
        "scenario.yaml: expectations.health[0]: must be a mapping with exactly one key, the "
        "predicate's name (got {'podsReady': {}, 'deploymentReady': {}})",
    ),
    (
        "malformed label selector",
        _scenario(_set("expectations.health.1.noContainerIn.selector", "app in web")),
        "scenario.yaml: expectations.health[1].noContainerIn.selector: 'app in web' is not a "
        "label selector: ",
    ),
    (
        "predicate naming an object the cluster does not have",
        _scenario(_set("expectations.health.0.deploymentReady.name", "webb")),
        "scenario.yaml: expectations.health[0].deploymentReady: Deployment shop/webb is not in "
        "the manifests",
    ),
    (
        "acceptable action on an object the cluster does not have",
        _scenario(_set("expectations.acceptableActions.0.target.namespace", "store")),
        "scenario.yaml: expectations.acceptableActions[0].target: Deployment store/web is not "
        "in the manifests",
    ),
    (
        "acceptable action also forbidden",
        _scenario(
            _set("expectations.forbiddenActions.0", {"type": "increase_resources"}),
        ),
        "scenario.yaml: expectations: acceptableActions[0] (increase_resources Deployment "
        "shop/web) is also forbidden (forbidden by forbiddenActions[0] (increase_resources))",
    ),
    (
        "not YAML",
        lambda directory: _write(directory / "scenario.yaml", "name: [unclosed\n"),
        "scenario.yaml: not valid YAML: ",
    ),
    (
        "no signal",
        lambda directory: (directory / "signal.yaml").unlink(),
        "scenario.yaml: signal: no signal file: add signal.yaml or signal.json, or set signal.file",
    ),
    (
        "two signals",
        lambda directory: _write(directory / "signal.json", "{}"),
        "scenario.yaml: signal: both signal.yaml and signal.json exist: remove one or set "
        "signal.file",
    ),
    (
        "signal file outside the scenario",
        _scenario(_set("signal.file", "../other/signal.yaml")),
        "scenario.yaml: signal.file: '../other/signal.yaml' is outside the scenario directory",
    ),
    (
        "named signal file missing",
        _scenario(_set("signal.file", "alert.yaml")),
        "scenario.yaml: signal.file: 'alert.yaml' does not exist",
    ),
    (
        "alert without startsAt",
        _signal(_delete("alerts.0.startsAt")),
        "signal.yaml: alerts[0].startsAt: is required",
    ),
    (
        "alert without alertname",
        _signal(_delete("alerts.0.labels.alertname")),
        "signal.yaml: alerts[0].labels: an alert's labels must include alertname",
    ),
    (
        "wrong payload version",
        _signal(_set("version", 3)),
        "signal.yaml: version: 3 is not one of '4'",
    ),
    (
        "no alerts",
        _signal(_set("alerts", [])),
        "signal.yaml: alerts: must have at least 1 item(s)",
    ),
    (
        "unknown alert status",
        _signal(_set("alerts.0.status", "burning")),
        "signal.yaml: alerts[0].status: 'burning' is not one of 'firing' or 'resolved'",
    ),
    (
        "payload that is neither an alert nor an event",
        _neither_alert_nor_event,
        "signal.yaml: cannot tell what sent this signal: an Alertmanager payload has alerts, "
        "a Kubernetes Event has kind: Event (or set signal.type in scenario.yaml)",
    ),
    (
        "alert payload declared as an event",
        _scenario(_set("signal.type", "kubernetes-event")),
        "signal.yaml: apiVersion: is required",
    ),
    (
        "no manifests directory",
        lambda directory: shutil.rmtree(directory / "manifests"),
        "manifests: no such directory: the starting cluster is its manifests/*.yaml",
    ),
    (
        "manifest that is not an object",
        lambda directory: _write(directory / "manifests" / "20-bad.yaml", "just: data\n"),
        "manifests/20-bad.yaml: document 1 is not a Kubernetes object (it needs apiVersion "
        "and kind)",
    ),
    (
        "manifest without a name",
        lambda directory: _write(
            directory / "manifests" / "20-bad.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {namespace: shop}\n",
        ),
        "manifests/20-bad.yaml: object 1 (ConfigMap): metadata.name is required",
    ),
]


@pytest.mark.parametrize(
    ("mistake", "expected"),
    [(mistake, expected) for _, mistake, expected in SCENARIO_ERRORS],
    ids=[case for case, _, _ in SCENARIO_ERRORS],
)
def test_each_mistake_gets_a_message_naming_the_file_and_field(
    tmp_path: Path, mistake: Callable[[Path], None], expected: str
) -> None:
    directory = copy_example(tmp_path)
    mistake(directory)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(directory)
    assert str(caught.value).startswith(f"{directory}/{expected}")


def test_an_unknown_predicate_is_named_with_the_closest_one(tmp_path: Path) -> None:
    directory = copy_example(tmp_path)
    edit_yaml(
        directory / "scenario.yaml",
        _set("expectations.health.0", {"deploymentRedy": {"namespace": "shop", "name": "web"}}),
    )
    with pytest.raises(ScenarioError) as caught:
        load_scenario(directory)
    message = str(caught.value)
    assert message.startswith(
        f"{directory}/scenario.yaml: expectations.health[0]: 'deploymentRedy' is not one of "
        "'deploymentReady', 'statefulSetReady'"
    )
    assert message.endswith("(did you mean 'deploymentReady'?)")


def test_every_problem_of_the_file_is_reported_at_once(tmp_path: Path) -> None:
    directory = copy_example(tmp_path)

    def two_mistakes(document: dict[str, Any]) -> None:
        _set("difficulty", "extreme")(document)
        _set("expectations.forbiddenActions.0.type", "nuke_cluster")(document)

    edit_yaml(directory / "scenario.yaml", two_mistakes)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(directory)
    assert [problem.split(": ", 2)[1] for problem in caught.value.problems] == [
        "difficulty",
        "expectations.forbiddenActions[0].type",
    ]
    assert str(caught.value).count("\n") == 1


def test_a_directory_without_scenario_yaml_is_not_a_scenario(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"not a scenario: it has no scenario.yaml"):
        load_scenario(tmp_path)


def test_list_scenarios_loads_every_scenario_directory_by_name(tmp_path: Path) -> None:
    for name in ("web-b", "web-a"):
        directory = copy_example(tmp_path, name)
        edit_yaml(directory / "scenario.yaml", _set("name", name))
    (tmp_path / "notes").mkdir()
    (tmp_path / "README.md").write_text("scenarios\n")

    assert [scenario.name for scenario in list_scenarios(tmp_path)] == ["web-a", "web-b"]
    with pytest.raises(ScenarioError, match="no such directory"):
        list_scenarios(tmp_path / "missing")


def test_the_builtin_scenarios_are_found_in_the_checkout_and_all_load() -> None:
    root = builtin_scenarios_dir()
    assert root == Path(__file__).resolve().parents[3] / "evals" / "scenarios"
    scenarios = list_scenarios(root)
    assert scenarios, "evals/scenarios has no scenarios"
    assert all(scenario.directory.name == scenario.name for scenario in scenarios)
