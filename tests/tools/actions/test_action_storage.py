"""expand_pvc: the pvc-full incident cured, and expansions the storage refuses."""

from __future__ import annotations

import pytest
from action_support import eventually, healthy_within_budget, incident, namespace, plan, send_all

from kubernaut.core.resources import ResourceRef
from kubernaut.kube import KubeApiError, KubeClient
from kubernaut.sim.server import Simulator
from kubernaut.tools.catalog_types import ActionParameterError, ActionUnavailable

DATA = ResourceRef(kind="PersistentVolumeClaim", namespace="shop", name="data-postgres-0")
CLAIM = ResourceRef(kind="PersistentVolumeClaim", namespace="shop", name="data")

STORAGE_CLASSES = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "storageclasses.storage.k8s.io"},
    "spec": {
        "group": "storage.k8s.io",
        "scope": "Cluster",
        "names": {"plural": "storageclasses", "singular": "storageclass", "kind": "StorageClass"},
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
"""The simulator does not serve StorageClasses itself; serving them at their real path
lets the test exercise the check a real cluster answers."""


def _storage_class(name: str, *, expandable: bool) -> dict[str, object]:
    return {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "StorageClass",
        "metadata": {"name": name},
        "provisioner": "example.com/disk",
        "allowVolumeExpansion": expandable,
    }


def _claim(storage_class: str) -> dict[str, object]:
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data", "namespace": "shop"},
        "spec": {
            "accessModes": ["ReadWriteOnce"],
            "resources": {"requests": {"storage": "1Gi"}},
            "storageClassName": storage_class,
        },
    }


async def _capacity(kube: KubeClient, ref: ResourceRef) -> str:
    claim = await kube.get("v1", "PersistentVolumeClaim", ref.namespace, ref.name)
    assert claim is not None
    return str(((claim.get("status") or {}).get("capacity") or {}).get("storage"))


async def test_expanding_the_full_volume_ends_the_crash_loop() -> None:
    async with incident("pvc-full") as (scenario, sim), KubeClient(sim.kubeconfig_path) as kube:
        with pytest.raises(ActionParameterError, match=r"size: 5Gi is not larger than .* 10Gi"):
            await plan(kube, "expand_pvc", DATA, size="5Gi")
        sim.request_log.clear()
        planned = await plan(kube, "expand_pvc", DATA, size="20Gi")
        assert sim.request_log.writes(include_dry_run=True) == []
        assert planned.summary == (
            "storage request of PersistentVolumeClaim shop/data-postgres-0: 10Gi -> 20Gi (x2)"
        )
        assert planned.rollback == [], "volumes do not shrink"

        await send_all(kube, planned.writes, dry_run=True)
        assert await _capacity(kube, DATA) == "10Gi"
        await send_all(kube, planned.writes)
        healthy, detail = await healthy_within_budget(scenario, sim)
        assert healthy, detail
        assert await _capacity(kube, DATA) == "20Gi"


async def _serve_storage_classes(kube: KubeClient, *classes: dict[str, object]) -> None:
    await kube.create(STORAGE_CLASSES)

    async def served() -> bool:
        try:
            await kube.list("storage.k8s.io/v1", "StorageClass", None)
        except KubeApiError:
            return False
        return True

    await eventually(served)
    for storage_class in classes:
        await kube.create(storage_class)


async def _bound(kube: KubeClient) -> bool:
    claim = await kube.get("v1", "PersistentVolumeClaim", "shop", "data")
    return bool(claim and claim.get("status", {}).get("phase") == "Bound")


async def test_a_storage_class_that_does_not_allow_expansion_is_refused(
    sim: Simulator, kube: KubeClient
) -> None:
    sim.apply([namespace()])
    await _serve_storage_classes(kube, _storage_class("fixed", expandable=False))
    sim.apply([_claim("fixed")])
    await eventually(lambda: _bound(kube))

    with pytest.raises(
        ActionUnavailable, match=r"StorageClass fixed .* does not allow volume expansion"
    ):
        await plan(kube, "expand_pvc", CLAIM, size="2Gi")


async def test_a_storage_class_that_allows_expansion(sim: Simulator, kube: KubeClient) -> None:
    sim.apply([namespace()])
    await _serve_storage_classes(kube, _storage_class("elastic", expandable=True))
    sim.apply([_claim("elastic")])
    await eventually(lambda: _bound(kube))

    planned = await plan(kube, "expand_pvc", CLAIM, size="2Gi")
    await send_all(kube, planned.writes)

    async def expanded() -> bool:
        return await _capacity(kube, CLAIM) == "2Gi"

    await eventually(expanded)
