"""Volume binding and expansion: a PVC gets a PersistentVolume of the size it asks for."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from kubernaut.core.quantity import bytes_of
from kubernaut.sim.controllers.base import BaseController
from kubernaut.sim.controllers.manager import Key, Mapper, same_object
from kubernaut.sim.objects import Obj, is_deleting

if TYPE_CHECKING:
    from kubernaut.sim.cluster import Cluster


class VolumeController(BaseController):
    name = "persistentvolume-controller"

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.claims = self.kind("v1", "PersistentVolumeClaim")
        self.volumes = self.kind("v1", "PersistentVolume")

    def watches(self) -> Iterable[tuple[str, Mapper]]:
        return [("persistentvolumeclaims", same_object)]

    def reconcile(self, key: Key) -> float | None:
        claim = self.store.peek(self.claims, *key)
        if claim is None or is_deleting(claim):
            return None
        requested = (
            ((claim.get("spec") or {}).get("resources") or {})
            .get("requests", {})
            .get("storage", "1Gi")
        )
        status = claim.get("status") or {}
        if status.get("phase") != "Bound":
            self._bind(claim, requested)
        elif bytes_of(requested) > bytes_of((status.get("capacity") or {}).get("storage", "0")):
            self._expand(claim, requested)
        return None

    def _bind(self, claim: Obj, size: str) -> None:
        namespace, name = claim["metadata"]["namespace"], claim["metadata"]["name"]
        volume_name = f"pvc-{claim['metadata']['uid']}"
        access_modes = claim.get("spec", {}).get("accessModes") or ["ReadWriteOnce"]
        if self.store.peek(self.volumes, "", volume_name) is None:
            self.store.create(
                self.volumes,
                {
                    "metadata": {"name": volume_name},
                    "spec": {
                        "capacity": {"storage": size},
                        "accessModes": access_modes,
                        "persistentVolumeReclaimPolicy": "Delete",
                        "storageClassName": claim["spec"].get("storageClassName", "standard"),
                        "volumeMode": "Filesystem",
                        "claimRef": {
                            "apiVersion": "v1",
                            "kind": "PersistentVolumeClaim",
                            "name": name,
                            "namespace": namespace,
                            "uid": claim["metadata"]["uid"],
                        },
                        "hostPath": {"path": f"/var/lib/kubernaut-sim/{volume_name}"},
                    },
                },
            )
            self.store.mutate(
                self.volumes,
                "",
                volume_name,
                lambda v: v.__setitem__("status", {"phase": "Bound"}),
            )

        def bound(c: Obj) -> None:
            c["spec"]["volumeName"] = volume_name
            c["status"] = {
                "phase": "Bound",
                "accessModes": access_modes,
                "capacity": {"storage": size},
            }

        self.store.mutate(self.claims, namespace, name, bound)

    def _expand(self, claim: Obj, size: str) -> None:
        namespace, name = claim["metadata"]["namespace"], claim["metadata"]["name"]
        volume_name = claim["spec"].get("volumeName", "")
        self.store.mutate(
            self.volumes,
            "",
            volume_name,
            lambda v: v["spec"]["capacity"].__setitem__("storage", size),
        )
        updated = self.store.mutate(
            self.claims,
            namespace,
            name,
            lambda c: c["status"].setdefault("capacity", {}).__setitem__("storage", size),
        )
        if updated is not None:
            self.event(
                updated,
                "Normal",
                "VolumeResizeSuccessful",
                "MountVolume.NodeExpandVolume succeeded for volume "
                f'"{volume_name}" {claim["spec"].get("nodeName", "")}'.rstrip(),
            )
