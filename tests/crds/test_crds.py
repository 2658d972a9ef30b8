"""The CRDs: generated from the models, in sync with crds/*.yaml, structural, and served
by an API server with the printer columns kubectl shows."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from kubernaut.core.resources import ResourceRef
from kubernaut.core.signal import SignalSource
from kubernaut.crds import ALL_KINDS, RemediationRequest, RemediationRequestSpec, SignalSpec
from kubernaut.crds.install import apply_crds
from kubernaut.kube import KubeClient
from kubernaut.sim.server import Simulator
from support import Kubectl

CRDS_DIR = Path(__file__).parents[2] / "crds"


@pytest.mark.parametrize("kind", ALL_KINDS, ids=lambda kind: kind.plural)
def test_checked_in_yaml_matches_the_models(kind: Any) -> None:
    path = CRDS_DIR / f"{kind.plural}.yaml"
    assert path.exists(), "run: kubernaut crds print --output-dir crds"
    assert yaml.safe_load(path.read_text()) == kind.manifest(), (
        f"{path} drifted from the models; run: kubernaut crds print --output-dir crds"
    )


def _walk(node: Any, where: str = "") -> list[str]:
    """Places that break the structural-schema rules."""
    if not isinstance(node, dict):
        return []
    problems = [
        f"{where}: {key}" for key in ("$ref", "anyOf", "oneOf", "allOf", "title") if key in node
    ]
    if "type" not in node and not node.get("x-kubernetes-preserve-unknown-fields"):
        problems.append(f"{where}: no type")
    for name, child in (node.get("properties") or {}).items():
        problems += _walk(child, f"{where}.{name}")
    if isinstance(node.get("items"), dict):
        problems += _walk(node["items"], f"{where}[]")
    if isinstance(node.get("additionalProperties"), dict):
        problems += _walk(node["additionalProperties"], f"{where}{{}}")
    return problems


@pytest.mark.parametrize("kind", ALL_KINDS, ids=lambda kind: kind.plural)
def test_schemas_are_structural(kind: Any) -> None:
    schema = kind.manifest()["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    assert _walk(schema) == []


def test_every_kind_has_a_status_subresource_phase_and_short_name() -> None:
    for kind in ALL_KINDS:
        version = kind.manifest()["spec"]["versions"][0]
        assert version["subresources"] == {"status": {}}
        status = version["schema"]["openAPIV3Schema"]["properties"]["status"]["properties"]
        assert {"phase", "conditions", "observedGeneration"} <= status.keys(), kind.kind
        assert kind.short_names


async def test_apply_twice_then_kubectl_shows_the_columns(sim: Simulator, kubectl: Kubectl) -> None:
    async with KubeClient(sim.kubeconfig_path) as client:
        first = await apply_crds(client)
        again = await apply_crds(client)
        assert all(line.endswith("created") for line in first)
        assert all(line.endswith("configured") for line in again)
        await client.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "kn"}})
        request = RemediationRequest(
            metadata={"name": "rr-oom", "namespace": "kn"},
            spec=RemediationRequestSpec(
                signal=SignalSpec(source=SignalSource.ALERTMANAGER, name="KubePodCrashLooping"),
                target=ResourceRef(kind="Deployment", namespace="shop", name="checkout"),
                fingerprint="f" * 40,
            ),
        )
        await client.create(request.wire())
        status = {
            "phase": "Completed",
            "outcome": "Remediated",
            "target": "Deployment/shop/checkout",
        }
        status |= {"action": "increase_resources", "confidence": 0.9}
        await client.patch(
            request.api_version,
            request.kind,
            "kn",
            "rr-oom",
            {"status": status},
            subresource="status",
        )
        stored = await client.get(request.api_version, request.kind, "kn", "rr-oom")
    assert stored is not None
    assert RemediationRequest.parse(stored).status.outcome == "Remediated"
    table = await asyncio.to_thread(kubectl, "get", "rr", "-n", "kn")
    header, row = table.splitlines()
    assert header.split() == [
        "NAME",
        "PHASE",
        "OUTCOME",
        "SIGNAL",
        "TARGET",
        "ACTION",
        "CONFIDENCE",
        "AGE",
    ]
    assert row.split()[:7] == [
        "rr-oom",
        "Completed",
        "Remediated",
        "KubePodCrashLooping",
        "Deployment/shop/checkout",
        "increase_resources",
        "0.9",
    ]
    listed = await asyncio.to_thread(kubectl, "get", "kubernaut", "-n", "kn", "-o", "json")
    assert [item["kind"] for item in json.loads(listed)["items"]] == ["RemediationRequest"]
