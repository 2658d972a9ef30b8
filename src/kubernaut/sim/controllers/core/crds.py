"""CustomResourceDefinitions: serving their resources as soon as they are created."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from kubernaut.sim.controllers.base import BaseController
from kubernaut.sim.controllers.manager import Key, Mapper, same_object
from kubernaut.sim.objects import Obj, is_deleting
from kubernaut.sim.podutil import set_condition
from kubernaut.sim.resources import ResourceType, ScaleSpec
from kubernaut.sim.store import StoreEvent

if TYPE_CHECKING:
    from kubernaut.sim.cluster import Cluster


def resource_types(crd: Obj) -> list[ResourceType]:
    """One resource type per served version of the CRD."""
    spec = crd.get("spec") or {}
    names = spec.get("names") or {}
    group = spec.get("group", "")
    types = []
    for version in spec.get("versions") or []:
        if not version.get("served", True):
            continue
        subresources = version.get("subresources") or {}
        scale = subresources.get("scale")
        types.append(
            ResourceType(
                group=group,
                version=version["name"],
                kind=names.get("kind", ""),
                plural=names.get("plural", ""),
                namespaced=spec.get("scope", "Namespaced") == "Namespaced",
                short_names=tuple(names.get("shortNames") or ()),
                categories=tuple(names.get("categories") or ()),
                subresources=frozenset(k for k in ("status", "scale") if k in subresources),
                builtin=False,
                printer_columns=tuple(version.get("additionalPrinterColumns") or ()),
                scale=ScaleSpec(
                    scale.get("specReplicasPath", ".spec.replicas"),
                    scale.get("statusReplicasPath", ".status.replicas"),
                    scale.get("labelSelectorPath"),
                )
                if scale
                else None,
            )
        )
    return types


class CrdController(BaseController):
    """Registers served types synchronously on write (so a CRD is usable at once) and
    reports NamesAccepted / Established in the CRD's status."""

    name = "apiextensions-controller"

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.crds = self.kind("apiextensions.k8s.io/v1", "CustomResourceDefinition")
        self.store.add_listener(self._serve)

    def watches(self) -> Iterable[tuple[str, Mapper]]:
        return [(self.crds.key, same_object)]

    def _serve(self, event: StoreEvent) -> None:
        if event.resource is not self.crds:
            return
        spec = event.object.get("spec") or {}
        group = spec.get("group", "")
        plural = (spec.get("names") or {}).get("plural", "")
        if event.old is not None:
            old_spec = event.old.get("spec") or {}
            self.cluster.registry.remove(
                old_spec.get("group", ""), (old_spec.get("names") or {}).get("plural", "")
            )
        if event.type == "DELETED":
            self._purge(group, plural, event.object)
            return
        for resource_type in resource_types(event.object):
            self.cluster.registry.add(resource_type)

    def _purge(self, group: str, plural: str, crd: Obj) -> None:
        """Deleting a CRD deletes every object of its kind."""
        for resource_type in resource_types(crd):
            for obj in list(self.store.scan(resource_type)):
                self.store.finalize_removal(resource_type, obj)
            break
        self.cluster.registry.remove(group, plural)

    def reconcile(self, key: Key) -> float | None:
        crd = self.store.peek(self.crds, "", key[1])
        if crd is None or is_deleting(crd):
            return None
        now = self.clock.timestamp()
        names = dict((crd.get("spec") or {}).get("names") or {})
        names.setdefault("singular", names.get("kind", "").lower())
        names.setdefault("listKind", f"{names.get('kind', '')}List")
        stored = [v["name"] for v in crd["spec"].get("versions") or [] if v.get("storage")]

        def report(c: Obj) -> None:
            status = c.setdefault("status", {})
            status["acceptedNames"] = names
            status["storedVersions"] = stored
            set_condition(c, "NamesAccepted", "True", now, "NoConflicts", "no conflicts found")
            set_condition(
                c,
                "Established",
                "True",
                now,
                "InitialNamesAccepted",
                "the initial names have been accepted",
            )

        self.store.mutate(self.crds, "", key[1], report)
        return None
