"""docs/policy.md documents every field of the policy file and every check."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from kubernaut.tools.safety import CheckName, SafetyPolicy

DOC = (Path(__file__).resolve().parents[3] / "docs" / "policy.md").read_text()


def field_paths(model: type[BaseModel], prefix: str = "") -> list[str]:
    paths = []
    for name, info in model.model_fields.items():
        path = prefix + (info.alias or name)
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            paths.extend(field_paths(annotation, path + "."))
        else:
            paths.append(path)
    return paths


def test_every_field_is_documented() -> None:
    paths = field_paths(SafetyPolicy)

    assert "limits.maxReplicaChange" in paths
    assert "cooldown.oscillation.window" in paths
    assert [path for path in paths if f"`{path}`" not in DOC] == []


def test_every_check_is_documented_in_the_table() -> None:
    rows = [line for line in DOC.splitlines() if line.startswith("| `")]

    assert [
        name.value
        for name in CheckName
        if not any(row.startswith(f"| `{name.value}` |") for row in rows)
    ] == []
