"""Fixtures of the read-tool tests: the oomkilled incident, staged once per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from read_support import staged

from kubernaut.sim.server import Simulator

APP_CONFIG = {
    "apiVersion": "v1",
    "kind": "ConfigMap",
    "metadata": {"name": "app-settings", "namespace": "shop"},
    "data": {
        "LOG_LEVEL": "debug",
        "DB_PASSWORD": "hunter2-not-for-models",
        "GREETING": "x" * 400,
    },
}


@pytest.fixture(scope="module")
def oom() -> Iterator[Simulator]:
    """The oomkilled scenario in full swing: checkout's two pods crash loop, OOMKilled."""
    with staged("oomkilled", extra=[APP_CONFIG]) as sim:
        yield sim
