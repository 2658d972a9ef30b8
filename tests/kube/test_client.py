"""KubeClient: kubeconfig handling, reads and errors, as health predicates and tools use it."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from kubernaut.kube.resources import KNOWN_TYPES
from kubernaut.sim.scenario import ClusterReadError, HttpClusterReader
from kubernaut.sim.scenario.predicates import NodeCondition, PodsReady
from kubernaut.sim.server import Simulator

NODE = {
    "apiVersion": "v1",
    "kind": "Node",
    "metadata": {"name": "node-1", "labels": {"kubernetes.io/hostname": "node-1"}},
}
POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web-1", "namespace": "shop", "labels": {"app": "web"}},
    "spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]},
}


@pytest.fixture(scope="module")
def sim() -> Iterator[Simulator]:
    with Simulator(speed=50, manifests=[NODE, POD]) as simulator:
        yield simulator


async def test_get_list_and_raw(sim: Simulator) -> None:
    async with HttpClusterReader(sim.kubeconfig_path) as reader:
        node = await reader.get("v1", "Node", None, "node-1")
        assert node is not None and node["metadata"]["name"] == "node-1"
        assert await reader.get("v1", "Pod", "shop", "nope") is None

        assert [
            p["metadata"]["name"] for p in await reader.list("v1", "Pod", "shop", "app=web")
        ] == ["web-1"]
        assert await reader.list("v1", "Pod", "shop", "app=api") == []
        on_node = await reader.list("v1", "Pod", None, field_selector="metadata.name=web-1")
        assert [p["metadata"]["namespace"] for p in on_node] == ["shop"]

        ready = PodsReady.model_validate({"namespace": "shop", "selector": "app=web"})
        result = await ready.evaluate(reader)
        async with asyncio.timeout(20):
            while not result.ok:
                await asyncio.sleep(0.1)
                result = await ready.evaluate(reader)
        metrics = await reader.list("metrics.k8s.io/v1beta1", "PodMetrics", "shop", "app=web")
        assert [item["metadata"]["name"] for item in metrics] == ["web-1"]

        assert "gitVersion" in await reader.raw("/version")


async def test_errors_are_cluster_read_errors_and_make_predicates_fail(
    sim: Simulator, tmp_path: Path
) -> None:
    config = yaml.safe_load(sim.kubeconfig_path.read_text())
    config["users"][0]["user"]["token"] = "wrong"
    wrong_token = tmp_path / "wrong-token"
    wrong_token.write_text(yaml.safe_dump(config))
    async with HttpClusterReader(wrong_token) as reader:
        with pytest.raises(ClusterReadError, match=r"GET /api/v1/nodes/node-1: 401"):
            await reader.get("v1", "Node", None, "node-1")

    config["clusters"][0]["cluster"]["server"] = "http://127.0.0.1:9"
    unreachable = tmp_path / "unreachable"
    unreachable.write_text(yaml.safe_dump(config))
    ready = NodeCondition.model_validate({"name": "node-1", "type": "Ready", "status": "True"})
    async with HttpClusterReader(unreachable) as reader:
        result = await ready.evaluate(reader)
    assert not result.ok
    assert result.detail.startswith(
        "node node-1: cannot read the cluster: GET /api/v1/nodes/node-1"
    )

    async with HttpClusterReader(sim.kubeconfig_path) as reader:
        with pytest.raises(ClusterReadError, match=r"404"):
            await reader.raw("/api/v1/namespaces/shop/pods/web-1:8080/proxy/debug")


def test_kubeconfig_problems_are_named(tmp_path: Path) -> None:
    broken = tmp_path / "kubeconfig"
    broken.write_text("apiVersion: v1\nkind: Config\ncontexts: []\n")
    with pytest.raises(ClusterReadError, match=rf"{broken}: not a usable kubeconfig"):
        HttpClusterReader(broken)
    with pytest.raises(ClusterReadError, match="not a usable kubeconfig"):
        HttpClusterReader(tmp_path / "missing")
    bad_ca = tmp_path / "bad-ca"
    bad_ca.write_text(
        yaml.safe_dump(
            {
                "current-context": "c",
                "contexts": [{"name": "c", "context": {"cluster": "k", "user": "u"}}],
                "clusters": [
                    {
                        "name": "k",
                        "cluster": {
                            "server": "https://127.0.0.1:6443",
                            "certificate-authority-data": base64.b64encode(b"not PEM").decode(),
                        },
                    }
                ],
                "users": [{"name": "u", "user": {"token": "t"}}],
            }
        )
    )
    with pytest.raises(ClusterReadError, match=rf"{bad_ca}: not a usable kubeconfig"):
        HttpClusterReader(bad_ca)


async def test_a_kubeconfig_context_other_than_the_current_one(
    sim: Simulator, tmp_path: Path
) -> None:
    config = yaml.safe_load(sim.kubeconfig_path.read_text())
    config["contexts"].append({"name": "elsewhere", "context": {"cluster": "x", "user": "y"}})
    config["current-context"] = "elsewhere"
    token_file = tmp_path / "token"
    token_file.write_text(config["users"][0]["user"].pop("token") + "\n")
    config["users"][0]["user"]["tokenFile"] = "token"
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump(config))
    with pytest.raises(ClusterReadError, match="no cluster named 'x'"):
        HttpClusterReader(path)
    context = config["contexts"][0]["name"]
    async with HttpClusterReader(path, context=context) as reader:
        assert await reader.get("v1", "Node", None, "node-1") is not None


def test_resource_paths() -> None:
    pod = KNOWN_TYPES[("v1", "Pod")]
    assert pod.path("shop", "web-1") == "/api/v1/namespaces/shop/pods/web-1"
    assert pod.path(None) == "/api/v1/pods"
    assert pod.path("shop", "web-1", "eviction") == "/api/v1/namespaces/shop/pods/web-1/eviction"
    assert KNOWN_TYPES[("v1", "Node")].path("ignored", "n1") == "/api/v1/nodes/n1"
    assert (
        KNOWN_TYPES[("metrics.k8s.io/v1beta1", "PodMetrics")].path("shop")
        == "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods"
    )


async def test_unknown_kinds_are_discovered_or_refused(sim: Simulator) -> None:
    async with HttpClusterReader(sim.kubeconfig_path) as reader:
        with pytest.raises(ClusterReadError, match="serves no Widget"):
            await reader.list("apps/v1", "Widget", "shop")
        with pytest.raises(ClusterReadError, match="404"):
            await reader.list("example.com/v1", "Widget", "shop")
