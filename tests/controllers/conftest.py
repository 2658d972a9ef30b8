"""Every controller test runs on an empty database of its own (KUBERNAUT_DATABASE_URL)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _own_database(database_url: str) -> str:
    return database_url
