"""ControllerRevisions: the template history of StatefulSets and DaemonSets.

A revision stores its owner's pod template as a replace patch (``data``) and a
``revision`` number. Going back to an earlier template reuses that revision with the
next number, as ``kubectl rollout undo`` expects.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubernaut.sim.controllers.base import BaseController
from kubernaut.sim.controllers.workloads.hashing import short_hash
from kubernaut.sim.controllers.workloads.pods import owned
from kubernaut.sim.errors import ApiError
from kubernaut.sim.objects import (
    Obj,
    annotations_of,
    deep_copy,
    name_of,
    namespace_of,
    owner_reference,
)

CONTROLLER_REVISION_HASH = "controller-revision-hash"
"""Pod label naming the revision a pod was made from."""

_MAX_COLLISIONS = 5


@dataclass(frozen=True)
class History:
    revisions: list[Obj]
    """Every revision of the owner, by ascending revision number."""
    update: Obj
    """The revision of the owner's current template."""
    collision_count: int

    def find(self, name: str | None) -> Obj | None:
        return next((r for r in self.revisions if name_of(r) == name), None)


def revision_data(owner: Obj) -> Obj:
    template = deep_copy(owner.get("spec", {}).get("template") or {})
    template["$patch"] = "replace"
    return {"spec": {"template": template}}


def template_of(revision: Obj) -> Obj:
    template = deep_copy((revision.get("data") or {}).get("spec", {}).get("template") or {})
    template.pop("$patch", None)
    return template


def hash_of(revision: Obj) -> str:
    """The hash part of a revision's name (``<owner>-<hash>``)."""
    return name_of(revision).rpartition("-")[2]


def number_of(revision: Obj) -> int:
    return int(revision.get("revision") or 0)


class RevisionKeeper:
    """Finds or records the revision of an owner's template, and prunes old ones."""

    def __init__(self, controller: BaseController, hash_label: str) -> None:
        self._controller = controller
        self._store = controller.store
        self._revisions = controller.kind("apps/v1", "ControllerRevision")
        self._hash_label = hash_label

    def sync(self, owner: Obj) -> History:
        revisions = sorted(owned(self._store, self._revisions, owner), key=number_of)
        data = revision_data(owner)
        latest = max((number_of(r) for r in revisions), default=0)
        collisions = int((owner.get("status") or {}).get("collisionCount") or 0)
        equal = [r for r in revisions if r.get("data") == data]
        if equal:
            update = equal[-1]
            if number_of(update) < latest:
                update = self._renumber(update, latest + 1)
        else:
            update, collisions = self._create(owner, data, latest + 1, collisions)
        revisions = sorted(owned(self._store, self._revisions, owner), key=number_of)
        return History(revisions, update, collisions)

    def _renumber(self, revision: Obj, number: int) -> Obj:
        def change(obj: Obj) -> None:
            obj["revision"] = number

        updated = self._store.mutate(
            self._revisions, namespace_of(revision), name_of(revision), change
        )
        return updated if updated is not None else revision

    def _create(self, owner: Obj, data: Obj, number: int, collisions: int) -> tuple[Obj, int]:
        template_labels = (owner["spec"].get("template") or {}).get("metadata", {}).get(
            "labels"
        ) or {}
        for _ in range(_MAX_COLLISIONS):
            revision_hash = short_hash(data, collisions)
            manifest: Obj = {
                "apiVersion": "apps/v1",
                "kind": "ControllerRevision",
                "metadata": {
                    "name": f"{name_of(owner)}-{revision_hash}",
                    "namespace": namespace_of(owner),
                    "labels": {**template_labels, self._hash_label: revision_hash},
                    "ownerReferences": [owner_reference(owner)],
                },
                "data": data,
                "revision": number,
            }
            if annotations_of(owner):
                manifest["metadata"]["annotations"] = dict(annotations_of(owner))
            try:
                return self._store.create(self._revisions, manifest), collisions
            except ApiError as error:
                if error.code != 409:
                    raise
                collisions += 1
        raise ApiError(500, f"too many revision hash collisions for {name_of(owner)}")

    def truncate(self, owner: Obj, history: History, live: set[str]) -> None:
        """Delete the oldest revisions no pod uses, beyond ``revisionHistoryLimit``."""
        limit = int(owner["spec"].get("revisionHistoryLimit", 10))
        idle = [r for r in history.revisions if name_of(r) not in live]
        for revision in idle[: max(len(idle) - limit, 0)]:
            try:
                self._store.delete(self._revisions, namespace_of(revision), name_of(revision))
            except ApiError:
                continue
