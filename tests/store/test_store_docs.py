"""docs/store.md lists every setting of the database by its environment variable."""

from __future__ import annotations

from pathlib import Path

from kubernaut.store import StoreSettings

DOC = (Path(__file__).resolve().parents[2] / "docs" / "store.md").read_text()


def test_every_setting_is_in_the_table() -> None:
    prefix = StoreSettings.model_config["env_prefix"]
    variables = [f"{prefix}{name}".upper() for name in StoreSettings.model_fields]

    assert "KUBERNAUT_DATABASE_URL" in variables
    assert [v for v in variables if f"| `{v}` |" not in DOC] == []
