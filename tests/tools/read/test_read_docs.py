"""docs/tools.md documents every read tool with its arguments and defaults."""

from __future__ import annotations

from pathlib import Path

from kubernaut.kube import KubeClient
from kubernaut.sim.server import Simulator
from kubernaut.tools.read import build_read_tools

DOC = (Path(__file__).resolve().parents[3] / "docs" / "tools.md").read_text()


async def test_every_tool_and_argument_is_in_the_table(sim: Simulator) -> None:
    async with KubeClient(sim.kubeconfig_path) as client:
        tools = build_read_tools(client)
    rows = {
        line.split("|")[1].strip(" `"): line for line in DOC.splitlines() if line.startswith("| `")
    }
    for tool in tools:
        row = rows[tool.name]
        for name, schema in tool.args.items():
            default = schema.get("default")
            shown = f"`{name}`" if "default" not in schema else f"`{name}={default!r}`"
            shown = shown.replace("'", '"')
            assert shown in row, f"{tool.name}: {shown} missing from docs/tools.md"
