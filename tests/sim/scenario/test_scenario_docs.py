"""docs/scenarios.md describes every part of the format the models define."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kubernaut.sim.scenario import (
    ACTION_CATALOG,
    API_VERSION,
    CATEGORY_DESCRIPTIONS,
    DESTRUCTIVE_ACTIONS,
    PREDICATES,
    Predicate,
    ScenarioSpec,
    load_scenario,
)
from kubernaut.sim.scenario.errors import model_keys
from kubernaut.sim.scenario.predicates import FAILING_REASONS

DOC = (Path(__file__).resolve().parents[3] / "docs" / "scenarios.md").read_text()


@pytest.mark.parametrize("key", sorted(model_keys(ScenarioSpec)))
def test_every_key_of_scenario_yaml_is_documented(key: str) -> None:
    assert f"`{key}`" in DOC or f".{key}`" in DOC or f"`{key}." in DOC


@pytest.mark.parametrize("predicate", PREDICATES, ids=[p.key for p in PREDICATES])
def test_every_predicate_and_its_fields_are_documented(predicate: type[Predicate]) -> None:
    row = next(line for line in DOC.splitlines() if line.startswith(f"| `{predicate.key}` |"))
    for name, field in predicate.model_fields.items():
        assert f"`{field.alias or name}`" in row, f"{predicate.key}.{field.alias or name}"


def test_categories_actions_version_and_default_reasons_are_documented() -> None:
    for category, description in CATEGORY_DESCRIPTIONS.items():
        assert f"| `{category}` | {description} |" in DOC
    for action in (*ACTION_CATALOG, *DESTRUCTIVE_ACTIONS):
        assert f"`{action}`" in DOC
    assert f"`{API_VERSION}`" in DOC
    assert ", ".join(f"`{reason}`" for reason in FAILING_REASONS) in DOC


def test_the_complete_example_loads(tmp_path: Path) -> None:
    section = DOC.split("## A complete example", 1)[1].split("\n## ", 1)[0]
    files = re.findall(r"`([^`\n]+)`:\n\n```yaml\n(.*?)```", section, flags=re.DOTALL)
    assert [name for name, _ in files] == [
        "evals/scenarios/web-oom/scenario.yaml",
        "manifests/00-node.yaml",
        "manifests/10-web.yaml",
        "signal.yaml",
    ]
    directory = tmp_path / "web-oom"
    for name, text in files:
        path = directory / name.removeprefix("evals/scenarios/web-oom/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    scenario = load_scenario(directory)
    assert scenario.expectations.accepts(
        "increase_resources",
        {"kind": "Deployment", "namespace": "shop", "name": "web"},
        {"memory_limit": "512Mi"},
    )
