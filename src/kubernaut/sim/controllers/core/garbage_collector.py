"""The garbage collector: owners' deletion reaches their dependents (background,
foreground and orphan propagation)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from kubernaut.sim.controllers.base import BaseController
from kubernaut.sim.controllers.manager import WILDCARD, Key, Mapper
from kubernaut.sim.errors import ApiError
from kubernaut.sim.objects import Obj, is_deleting, owner_uids
from kubernaut.sim.resources import ResourceType
from kubernaut.sim.store import FOREGROUND, ORPHAN, StoreEvent

if TYPE_CHECKING:
    from kubernaut.sim.cluster import Cluster


class GarbageCollector(BaseController):
    """Reconciles owner uids: key is ``("uid", <owner uid>)``."""

    name = "garbage-collector"

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)

    def watches(self) -> Iterable[tuple[str, Mapper]]:
        return [(WILDCARD, self._owners_to_check)]

    def _owners_to_check(self, event: StoreEvent) -> Iterable[Key]:
        obj = event.object
        uid = obj["metadata"]["uid"]
        keys: list[Key] = []
        if event.type == "DELETED":
            keys.append(("uid", uid))
            keys.extend(("uid", owner) for owner in owner_uids(obj))
        elif is_deleting(obj) and {FOREGROUND, ORPHAN} & set(
            obj["metadata"].get("finalizers") or []
        ):
            keys.append(("uid", uid))
        elif event.type == "ADDED":
            keys.extend(("uid", owner) for owner in owner_uids(obj))
        return keys

    def reconcile(self, key: Key) -> float | None:
        owner_uid = key[1]
        found = self.store.by_uid(owner_uid)
        if found is None:
            for resource, dependent in self.store.dependents(owner_uid):
                if not any(self.store.by_uid(uid) for uid in owner_uids(dependent)):
                    self._delete(resource, dependent, None)
            return None
        resource, owner = found
        finalizers = owner["metadata"].get("finalizers") or []
        if not is_deleting(owner):
            return None
        if ORPHAN in finalizers:
            for dependent_resource, dependent in self.store.dependents(owner_uid):
                self.store.mutate(
                    dependent_resource,
                    dependent["metadata"].get("namespace", ""),
                    dependent["metadata"]["name"],
                    lambda d: _drop_owner(d, owner_uid),
                )
            self._remove_finalizer(resource, owner, ORPHAN)
        elif FOREGROUND in finalizers:
            dependents = self.store.dependents(owner_uid)
            for dependent_resource, dependent in dependents:
                self._delete(dependent_resource, dependent, "Foreground")
            if not dependents:
                self._remove_finalizer(resource, owner, FOREGROUND)
        return None

    def _delete(self, resource: ResourceType, obj: Obj, propagation: str | None) -> None:
        with contextlib.suppress(ApiError):  # already gone
            self.store.delete(
                resource,
                obj["metadata"].get("namespace", ""),
                obj["metadata"]["name"],
                propagation=propagation,
            )

    def _remove_finalizer(self, resource: ResourceType, obj: Obj, finalizer: str) -> None:
        def remove(o: Obj) -> None:
            remaining = [f for f in o["metadata"].get("finalizers") or [] if f != finalizer]
            if remaining:
                o["metadata"]["finalizers"] = remaining
            else:
                o["metadata"].pop("finalizers", None)

        self.store.mutate(
            resource,
            obj["metadata"].get("namespace", ""),
            obj["metadata"]["name"],
            remove,
        )


def _drop_owner(obj: Obj, owner_uid: str) -> None:
    refs = [r for r in obj["metadata"].get("ownerReferences") or [] if r.get("uid") != owner_uid]
    if refs:
        obj["metadata"]["ownerReferences"] = refs
    else:
        obj["metadata"].pop("ownerReferences", None)
