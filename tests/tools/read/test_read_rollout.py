"""rollout_history shows a Deployment's revisions, what changed in each and which is
current: on the missing-config incident, release 3.2.0 is revision 2."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from read_support import read, staged

from kubernaut.sim.server import Simulator


@pytest.fixture(scope="module")
def missing_config() -> Iterator[Simulator]:
    with staged("crashloop-missing-config") as sim:
        yield sim


async def test_revisions_oldest_first_with_the_current_marked(missing_config: Simulator) -> None:
    body = await read(missing_config, "rollout_history", namespace="shop", deployment="orders")
    assert body["deployment"] == "shop/orders"
    assert body["current_revision"] == 2
    assert body["rollout"].startswith("in progress")
    first, second = body["revisions"]
    assert (first["revision"], first["current"]) == (1, False)
    assert (second["revision"], second["current"]) == (2, True)
    assert first["images"] == {"orders": "ghcr.io/example/shop-orders:3.1.0"}
    assert first["replicas"] == "2/2 ready"
    assert second["images"] == {"orders": "ghcr.io/example/shop-orders:3.2.0"}
    assert second["changes"] == [
        "orders image: ghcr.io/example/shop-orders:3.1.0 -> ghcr.io/example/shop-orders:3.2.0"
    ]
    assert second["replicaset"].startswith("orders-")


async def test_changes_cover_resources_and_environment(missing_config: Simulator) -> None:
    missing_config.apply(
        [
            {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": "ledger", "namespace": "shop"},
                "spec": {
                    "replicas": 1,
                    "selector": {"matchLabels": {"app": "ledger"}},
                    "template": {
                        "metadata": {"labels": {"app": "ledger"}},
                        "spec": {"containers": [{"name": "ledger", "image": "ledger:1"}]},
                    },
                },
            }
        ]
    )
    missing_config.advance(10)
    missing_config.apply(
        [
            {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": "ledger", "namespace": "shop"},
                "spec": {
                    "replicas": 1,
                    "selector": {"matchLabels": {"app": "ledger"}},
                    "template": {
                        "metadata": {
                            "labels": {"app": "ledger"},
                            "annotations": {"kubernetes.io/change-cause": "tune memory"},
                        },
                        "spec": {
                            "containers": [
                                {
                                    "name": "ledger",
                                    "image": "ledger:1",
                                    "env": [{"name": "API_TOKEN", "value": "abc123secret"}],
                                    "resources": {"limits": {"memory": "512Mi"}},
                                }
                            ]
                        },
                    },
                },
            }
        ]
    )
    missing_config.advance(10)
    body = await read(missing_config, "rollout_history", namespace="shop", deployment="ledger")
    changes = body["revisions"][-1]["changes"]
    assert "ledger env API_TOKEN added: [REDACTED]" in changes
    assert any(line.startswith("ledger resources:") and "512Mi" in line for line in changes)
    assert "annotation kubernetes.io/change-cause added: tune memory" in changes
    assert "abc123secret" not in str(body)
