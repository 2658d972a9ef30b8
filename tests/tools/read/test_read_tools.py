"""The read tools as the agent meets them: seven LangChain tools with fixed names and
arguments, answering framed YAML, turning cluster problems into answers, refusing
Secrets without asking the API server for them."""

from __future__ import annotations

from typing import Any

import pytest
from read_support import invoke, read, secret_requests

from kubernaut.kube import KubeClient
from kubernaut.sim.server import Simulator
from kubernaut.tools.read import READ_TOOL_NAMES, build_read_tools
from kubernaut.tools.untrusted import CHARS_PER_TOKEN, truncated_lines, unframe

ARGUMENTS = {
    "get_resources": {"kind", "namespace", "name", "label_selector", "field_selector", "limit"},
    "describe": {"kind", "namespace", "name"},
    "pod_logs": {"namespace", "pod", "container", "previous", "tail", "grep"},
    "events": {"namespace", "kind", "name", "warnings_only", "limit"},
    "rollout_history": {"namespace", "deployment"},
    "related_objects": {"kind", "namespace", "name"},
    "top": {"kind", "namespace", "label_selector"},
}

CALLS = [
    ("get_resources", {"kind": "pods", "namespace": "shop"}),
    ("describe", {"kind": "Deployment", "namespace": "shop", "name": "checkout"}),
    ("pod_logs", {"namespace": "shop", "pod": "checkout"}),
    ("events", {"namespace": "shop"}),
    ("rollout_history", {"namespace": "shop", "deployment": "checkout"}),
    ("related_objects", {"kind": "Deployment", "namespace": "shop", "name": "checkout"}),
    ("top", {"kind": "nodes"}),
]

MISSING = [
    ("get_resources", {"kind": "Deployment", "namespace": "shop", "name": "nope"}),
    ("describe", {"kind": "Pod", "namespace": "shop", "name": "nope"}),
    ("pod_logs", {"namespace": "shop", "pod": "nope"}),
    ("rollout_history", {"namespace": "shop", "deployment": "nope"}),
    ("related_objects", {"kind": "Node", "namespace": "", "name": "nope"}),
]


async def test_seven_tools_with_the_agreed_names_and_arguments(sim: Simulator) -> None:
    async with KubeClient(sim.kubeconfig_path) as client:
        tools = build_read_tools(client)
    assert [tool.name for tool in tools] == list(READ_TOOL_NAMES) == list(ARGUMENTS)
    for tool in tools:
        assert set(tool.args) == ARGUMENTS[tool.name]
        assert len(tool.description) > 100, f"{tool.name} needs a description a model can use"


@pytest.mark.parametrize(("tool", "arguments"), CALLS, ids=[call[0] for call in CALLS])
async def test_every_tool_answers_yaml_framed_as_untrusted(
    oom: Simulator, tool: str, arguments: dict[str, Any]
) -> None:
    text = await invoke(oom, tool, **arguments)
    assert text.startswith(f'<tool-output tool="{tool}" trust="untrusted">\n')
    assert text.endswith("\n</tool-output>")
    unframed = unframe(text)
    assert unframed is not None
    assert unframed[0] == tool
    assert isinstance(unframed[1], dict)
    assert "error" not in unframed[1]


@pytest.mark.parametrize(("tool", "arguments"), MISSING, ids=[call[0] for call in MISSING])
async def test_a_missing_object_is_an_answer_the_model_can_read(
    oom: Simulator, tool: str, arguments: dict[str, Any]
) -> None:
    body = await read(oom, tool, **arguments)
    assert "nope" in body["error"]
    assert "not found" in body["error"] or "no pod or workload" in body["error"]


async def test_a_refused_request_says_access_was_denied(sim: Simulator) -> None:
    sim.call(lambda cluster: cluster.access.deny("list", "pods", namespace="shop"))
    body = await read(sim, "get_resources", kind="pods", namespace="shop")
    assert body["error"].startswith("access denied")


async def test_an_unknown_kind_is_explained(oom: Simulator) -> None:
    body = await read(oom, "get_resources", kind="gizmos", namespace="shop")
    assert "no kind called 'gizmos'" in body["error"]


@pytest.mark.parametrize("kind", ["Secret", "secrets", "SECRET"])
async def test_secrets_are_refused_without_asking_the_api_server(oom: Simulator, kind: str) -> None:
    for tool, arguments in [
        ("get_resources", {"kind": kind, "namespace": "shop"}),
        ("get_resources", {"kind": kind, "namespace": "shop", "name": "db"}),
        ("describe", {"kind": kind, "namespace": "shop", "name": "db"}),
        ("related_objects", {"kind": kind, "namespace": "shop", "name": "db"}),
        ("events", {"namespace": "shop", "kind": kind, "name": "db"}),
    ]:
        body = await read(oom, tool, **arguments)
        assert body["error"].startswith("Secret contents are never read")
    assert secret_requests(oom) == []


async def test_custom_resources_are_found_through_discovery(sim: Simulator) -> None:
    sim.apply([WIDGET_CRD])
    sim.apply([WIDGET])
    for kind in ("widgets", "Widget", "wg", "widgets.example.com"):
        body = await read(sim, "get_resources", kind=kind, namespace="default")
        assert [item["name"] for item in body["items"]] == ["blue"], kind
        assert body["items"][0]["spec"] == {"size": 3, "colour": "blue"}


WIDGET_CRD = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.example.com"},
    "spec": {
        "group": "example.com",
        "scope": "Namespaced",
        "names": {
            "plural": "widgets",
            "singular": "widget",
            "kind": "Widget",
            "shortNames": ["wg"],
        },
        "versions": [
            {
                "name": "v1",
                "served": True,
                "storage": True,
                "schema": {
                    "openAPIV3Schema": {
                        "type": "object",
                        "x-kubernetes-preserve-unknown-fields": True,
                    }
                },
            }
        ],
    },
}
WIDGET = {
    "apiVersion": "example.com/v1",
    "kind": "Widget",
    "metadata": {"name": "blue", "namespace": "default"},
    "spec": {"size": 3, "colour": "blue"},
}


@pytest.mark.parametrize(("tool", "arguments"), CALLS, ids=[call[0] for call in CALLS])
async def test_every_answer_fits_a_small_budget(
    oom: Simulator, tool: str, arguments: dict[str, Any]
) -> None:
    text = await invoke(oom, tool, output_tokens=120, **arguments)
    assert len(text) <= 120 * CHARS_PER_TOKEN
    assert unframe(text) is not None, "a cut answer still parses"


async def test_a_cut_list_says_how_much_is_missing(oom: Simulator) -> None:
    whole = await invoke(oom, "get_resources", kind="pods", namespace="shop")
    cut = await invoke(oom, "get_resources", output_tokens=100, kind="pods", namespace="shop")
    missing = truncated_lines(cut)
    assert missing > 0
    assert f"# truncated: {missing} more lines not shown" in cut
    assert len(cut.splitlines()) - 3 + missing == len(whole.splitlines()) - 2
