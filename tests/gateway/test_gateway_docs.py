"""docs/gateway.md tells the truth a user acts on: every setting by its environment
variable, and the priority matrix the gateway classifies with."""

from __future__ import annotations

import re
from pathlib import Path

from kubernaut.core.classification import PRIORITY_MATRIX
from kubernaut.gateway.settings import GatewaySettings

DOC = (Path(__file__).resolve().parents[2] / "docs" / "gateway.md").read_text()
MATRIX_ROW = re.compile(r"^\s*\|\s*(\w+)\s*\|\s*(P\d)\s*\|\s*(P\d)\s*\|\s*(P\d)\s*\|\s*$", re.M)


def test_every_setting_is_in_the_table() -> None:
    prefix = GatewaySettings.model_config["env_prefix"]
    variables = [f"{prefix}{name}".upper() for name in GatewaySettings.model_fields]
    assert [v for v in variables if f"`{v}`" not in DOC] == []


def test_the_priority_matrix_is_the_one_documented() -> None:
    documented = {
        row[0]: {"critical": row[1], "warning": row[2], "info": row[3]}
        for row in MATRIX_ROW.findall(DOC)
    }
    assert documented == {
        environment.value: {severity.value: p for severity, p in row.items()}
        for environment, row in PRIORITY_MATRIX.items()
    }
