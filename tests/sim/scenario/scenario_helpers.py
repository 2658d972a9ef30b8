"""Helpers for the scenario tests: the example scenario, editing copies, polling."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import yaml

from kubernaut.sim.scenario import Predicate, PredicateResult
from kubernaut.sim.scenario.reader import ClusterReader
from kubernaut.sim.server import ADMIN_TOKEN, Simulator

FIXTURES = Path(__file__).parent / "fixtures"
WEB_OOM = FIXTURES / "web-oom"
WAIT_SECONDS = 30.0


def copy_example(tmp_path: Path, name: str = "web-oom") -> Path:
    """A private copy of the example scenario, in a directory called ``name``."""
    target = tmp_path / name
    shutil.copytree(WEB_OOM, target)
    return target


def edit_yaml(path: Path, change: Callable[[Any], Any]) -> None:
    """Rewrite the YAML file at ``path`` with ``change`` applied to its document."""
    document = yaml.safe_load(path.read_text())
    result = change(document)
    path.write_text(yaml.safe_dump(document if result is None else result, sort_keys=False))


async def eventually(
    predicate: Predicate, reader: ClusterReader, ok: bool = True
) -> PredicateResult:
    """Evaluate until the predicate's ``ok`` is as wanted (within WAIT_SECONDS of real
    time); fail with the last detail otherwise."""
    result = await predicate.evaluate(reader)
    try:
        async with asyncio.timeout(WAIT_SECONDS):
            while result.ok != ok:
                await asyncio.sleep(0.1)
                result = await predicate.evaluate(reader)
    except TimeoutError:
        raise AssertionError(f"{predicate.key} stayed ok={result.ok}: {result.detail}") from None
    return result


async def patch(sim: Simulator, path: str, body: dict[str, Any]) -> None:
    """A strategic merge patch through the API, as kubectl patch sends it."""
    async with httpx.AsyncClient(base_url=sim.url) as client:
        response = await client.patch(
            path,
            json=body,
            headers={
                "Authorization": f"Bearer {ADMIN_TOKEN}",
                "Content-Type": "application/strategic-merge-patch+json",
            },
        )
        response.raise_for_status()
