"""A small cluster to validate proposals against, and helpers to propose and inspect."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from kubernaut.core.policy import PolicyCheck
from kubernaut.core.recommendation import ProposedAction
from kubernaut.core.resources import ResourceRef
from kubernaut.kube import KubeClient
from kubernaut.sim.requestlog import RequestRecord
from kubernaut.sim.server import Simulator
from kubernaut.tools.safety import SafetyValidator, Validation

MakeValidator = Callable[..., SafetyValidator]
"""Builds a validator; keyword arguments are sections of the policy file."""

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def namespace(name: str, labels: dict[str, str] | None = None) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name, "labels": labels or {}}
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": metadata}


def deployment(
    ns: str, name: str, *, replicas: int, node: str, labels: dict[str, str] | None = None
) -> dict[str, Any]:
    """A Deployment whose pods all run on ``node``."""
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": ns, "labels": {"app": name, **(labels or {})}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {
                    "nodeSelector": {"kubernetes.io/hostname": node},
                    "containers": [
                        {
                            "name": name,
                            "image": f"registry.example.com/{name}:1.0",
                            "resources": {
                                "requests": {"cpu": "100m", "memory": "128Mi"},
                                "limits": {"memory": "256Mi"},
                            },
                        }
                    ],
                },
            },
        },
    }


MANAGED = {"kubernaut.io/managed": "true"}

CLUSTER = [
    namespace("shop", MANAGED),
    namespace("legacy"),
    deployment("kube-system", "coredns", replicas=1, node="node-1"),
    deployment("legacy", "api", replicas=1, node="node-2"),
    deployment("legacy", "billing", replicas=1, node="node-2", labels=MANAGED),
    deployment("shop", "web", replicas=2, node="node-3"),
]
"""node-1 runs a kube-system pod, node-2 pods of the unlabelled namespace legacy (one of
them a Deployment that opts in itself), node-3 only the two pods of shop/web."""


async def start_cluster(sim: Simulator) -> None:
    """Creates :data:`CLUSTER` and waits until every pod is on its node; then forgets the
    requests made so far, so a test sees only what validation sent."""
    sim.apply(CLUSTER)
    async with KubeClient(sim.kubeconfig_path) as client, asyncio.timeout(20):
        while True:
            pods = await client.list("v1", "Pod", None)
            placed = [p for p in pods if (p.get("spec") or {}).get("nodeName")]
            if len(placed) == 5:
                break
            await asyncio.sleep(0.05)
    sim.request_log.clear()


def propose(action: str, kind: str, ns: str, name: str, **parameters: Any) -> ProposedAction:
    return ProposedAction(
        action=action,
        target=ResourceRef(kind=kind, namespace=ns, name=name),
        parameters=parameters,
    )


class FakeClock:
    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def ago(self, seconds: float) -> datetime:
        return self.now - timedelta(seconds=seconds)

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def access_reviews(sim: Simulator) -> list[RequestRecord]:
    return sim.request_log.records(lambda r: r.resource == "selfsubjectaccessreviews")


def dry_runs(sim: Simulator) -> list[RequestRecord]:
    return sim.request_log.records(lambda r: r.dry_run)


def real_writes(sim: Simulator) -> list[RequestRecord]:
    """Writes that changed the cluster (access reviews change nothing)."""
    return [r for r in sim.request_log.writes() if r.resource != "selfsubjectaccessreviews"]


def check_of(validation: Validation, name: str) -> PolicyCheck:
    """The check called ``name`` in the decision; fails the test when it was not run."""
    found = [check for check in validation.decision.checks if check.name == name]
    assert found, f"no {name} check in {validation.decision.checks}"
    return found[0]
