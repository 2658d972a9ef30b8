"""The object store: API semantics for create, update, patch, delete, list and watch.

Objects are plain dicts. A stored dict is never mutated: every write stores a new
one, so watch history and listeners can hold references safely, and callers get
copies. All methods are synchronous and run on the simulator's event loop, which
makes each write atomic.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from kubernaut.sim.clock import SimClock, format_time
from kubernaut.sim.errors import ApiError, already_exists, conflict, invalid, not_found
from kubernaut.sim.ids import IdSource
from kubernaut.sim.objects import Obj, deep_copy, is_deleting, owner_uids
from kubernaut.sim.patching import apply_patch
from kubernaut.sim.resources import ResourceRegistry, ResourceType
from kubernaut.sim.selectors import FieldSelector, LabelSelector
from kubernaut.sim.validation import validate_name

ObjectKey = tuple[str, str, str]
"""(resource key, namespace, name)"""

FOREGROUND = "foregroundDeletion"
ORPHAN = "orphan"

Defaulter = Callable[[ResourceType, Obj, "Obj | None"], None]
Validator = Callable[[ResourceType, Obj], list[tuple[str, str]]]


@dataclass(frozen=True)
class StoreEvent:
    type: str  # ADDED, MODIFIED, DELETED
    resource: ResourceType
    object: Obj
    old: Obj | None
    resource_version: int


@dataclass
class Watch:
    resource: ResourceType
    namespace: str | None
    labels: LabelSelector | None
    fields: FieldSelector | None
    queue: asyncio.Queue[tuple[str, Obj]] = field(default_factory=asyncio.Queue)

    def matches(self, obj: Obj | None) -> bool:
        if obj is None:
            return False
        if self.namespace and obj.get("metadata", {}).get("namespace") != self.namespace:
            return False
        if self.labels and not self.labels.matches(obj.get("metadata", {}).get("labels")):
            return False
        return not (self.fields and not self.fields.matches(obj))

    def offer(self, event: StoreEvent) -> None:
        """Queue the event as this watcher sees it: selector transitions become ADDED/DELETED."""
        now_matches = self.matches(event.object)
        if event.type == "MODIFIED":
            was_matching = self.matches(event.old)
            if was_matching and not now_matches:
                self.queue.put_nowait(("DELETED", event.object))
            elif now_matches:
                self.queue.put_nowait(("MODIFIED" if was_matching else "ADDED", event.object))
        elif now_matches:
            self.queue.put_nowait((event.type, event.object))


class Store:
    def __init__(
        self,
        registry: ResourceRegistry,
        clock: SimClock,
        ids: IdSource,
        *,
        history_limit: int = 20_000,
    ) -> None:
        self.registry = registry
        self.clock = clock
        self.ids = ids
        self._objects: dict[str, dict[tuple[str, str], Obj]] = {}
        self._resource_version = 0
        self._history: deque[StoreEvent] = deque(maxlen=history_limit)
        self._watches: dict[str, list[Watch]] = {}
        self._listeners: list[Callable[[StoreEvent], None]] = []
        self._dependents: dict[str, set[ObjectKey]] = {}
        self._by_uid: dict[str, ObjectKey] = {}
        self.defaulters: list[Defaulter] = []
        self.validators: list[Validator] = []

    # -- reads -------------------------------------------------------------------------

    @property
    def resource_version(self) -> int:
        return self._resource_version

    def peek(self, resource: ResourceType, namespace: str, name: str) -> Obj | None:
        """The stored object itself (read-only!) or None."""
        return self._objects.get(resource.key, {}).get((self._ns(resource, namespace), name))

    def get(self, resource: ResourceType, namespace: str, name: str) -> Obj:
        obj = self.peek(resource, namespace, name)
        if obj is None:
            raise not_found(resource.plural, name, resource.group)
        return deep_copy(obj)

    def scan(self, resource: ResourceType, namespace: str | None = None) -> Iterator[Obj]:
        """Stored objects (read-only!) of a type, optionally in one namespace."""
        bucket = self._objects.get(resource.key, {})
        if namespace:
            return (obj for (ns, _), obj in list(bucket.items()) if ns == namespace)
        return iter(list(bucket.values()))

    def select(
        self,
        resource: ResourceType,
        namespace: str | None = None,
        *,
        labels: LabelSelector | None = None,
        fields: FieldSelector | None = None,
    ) -> list[Obj]:
        items = [
            obj
            for obj in self.scan(resource, namespace)
            if (labels is None or labels.matches(obj.get("metadata", {}).get("labels")))
            and (fields is None or fields.matches(obj))
        ]
        items.sort(key=lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"]))
        return [deep_copy(obj) for obj in items]

    def by_uid(self, uid: str) -> tuple[ResourceType, Obj] | None:
        """The stored object (read-only!) with this uid, if it still exists."""
        ref = self._by_uid.get(uid)
        if ref is None:
            return None
        resource = self._resource_for_key(ref[0])
        obj = self._objects.get(ref[0], {}).get((ref[1], ref[2]))
        if resource is None or obj is None:
            return None
        return resource, obj

    def dependents(self, owner_uid: str) -> list[tuple[ResourceType, Obj]]:
        found = []
        for key, namespace, name in sorted(self._dependents.get(owner_uid, ())):
            resource = self._resource_for_key(key)
            obj = self._objects.get(key, {}).get((namespace, name))
            if resource is not None and obj is not None:
                found.append((resource, obj))
        return found

    # -- writes ------------------------------------------------------------------------

    def create(
        self, resource: ResourceType, obj: Obj, *, dry_run: bool = False, keep_status: bool = False
    ) -> Obj:
        obj = deep_copy(obj)
        metadata = obj.setdefault("metadata", {})
        obj["apiVersion"] = resource.api_version
        obj["kind"] = resource.kind
        namespace = self._ns(resource, metadata.get("namespace", ""))
        if resource.namespaced:
            if not namespace:
                raise ApiError(400, "the namespace of the object is required", reason="BadRequest")
            metadata["namespace"] = namespace
            self._require_live_namespace(namespace)
        else:
            metadata.pop("namespace", None)
        if not metadata.get("name") and metadata.get("generateName"):
            metadata["name"] = self._generate_name(resource, namespace, metadata["generateName"])
        name = metadata.get("name", "")
        problems = validate_name(resource, name)
        if problems:
            raise invalid(resource.kind, name, problems, resource.group)
        if self.peek(resource, namespace, name) is not None:
            raise already_exists(resource.plural, name, resource.group)
        if resource.status_reset_on_create and resource.has_status and not keep_status:
            obj["status"] = {}
        for key in ("deletionTimestamp", "deletionGracePeriodSeconds", "resourceVersion"):
            metadata.pop(key, None)
        metadata["uid"] = self.ids.uid()
        metadata["creationTimestamp"] = format_time(self.clock.now())
        metadata["generation"] = 1
        self._default_and_validate(resource, obj, None)
        if dry_run:
            return obj
        return deep_copy(self._commit(resource, "ADDED", obj, None))

    def update(
        self,
        resource: ResourceType,
        obj: Obj,
        *,
        subresource: str | None = None,
        dry_run: bool = False,
    ) -> Obj:
        metadata = obj.get("metadata") or {}
        namespace = self._ns(resource, metadata.get("namespace", ""))
        name = metadata.get("name", "")
        current = self.peek(resource, namespace, name)
        if current is None:
            raise not_found(resource.plural, name, resource.group)
        wanted_rv = metadata.get("resourceVersion")
        if wanted_rv and wanted_rv != current["metadata"]["resourceVersion"]:
            raise conflict(resource.plural, name, resource.group)
        return self._replace(resource, current, deep_copy(obj), subresource, dry_run)

    def patch(
        self,
        resource: ResourceType,
        namespace: str,
        name: str,
        body: bytes,
        content_type: str,
        *,
        subresource: str | None = None,
        dry_run: bool = False,
    ) -> Obj:
        current = self.peek(resource, namespace, name)
        if current is None:
            raise not_found(resource.plural, name, resource.group)
        patched = apply_patch(
            current, body, content_type, kind=resource.kind if resource.builtin else None
        )
        patched_meta = patched.setdefault("metadata", {})
        wanted_rv = patched_meta.get("resourceVersion")
        if wanted_rv and wanted_rv != current["metadata"]["resourceVersion"]:
            raise conflict(resource.plural, name, resource.group)
        if patched_meta.get("name") != name or (
            resource.namespaced
            and patched_meta.get("namespace") != current["metadata"]["namespace"]
        ):
            raise ApiError(400, "the name or namespace of the object may not be changed by a patch")
        return self._replace(resource, current, patched, subresource, dry_run)

    def mutate(
        self, resource: ResourceType, namespace: str, name: str, change: Callable[[Obj], None]
    ) -> Obj | None:
        """Read-modify-write for in-process controllers; None when the object is gone."""
        current = self.peek(resource, namespace, name)
        if current is None:
            return None
        changed = deep_copy(current)
        change(changed)
        if changed == current:
            return current
        return self._replace(resource, current, changed, "*", False, copy_result=False)

    def delete(
        self,
        resource: ResourceType,
        namespace: str,
        name: str,
        *,
        propagation: str | None = None,
        preconditions: Obj | None = None,
        grace_period: int | None = None,
        dry_run: bool = False,
    ) -> tuple[Obj, bool]:
        """Delete, or mark for deletion. Returns the object and whether it is gone now."""
        current = self.peek(resource, namespace, name)
        if current is None:
            raise not_found(resource.plural, name, resource.group)
        for field_name in ("uid", "resourceVersion"):
            expected = (preconditions or {}).get(field_name)
            if expected and expected != current["metadata"].get(field_name):
                raise ApiError(
                    409,
                    f"Precondition failed: {field_name} in precondition: {expected}, "
                    f"{field_name} in object meta: {current['metadata'].get(field_name)}",
                    reason="Conflict",
                )
        if is_deleting(current):
            return deep_copy(current), False
        marked = deep_copy(current)
        finalizers = list(marked["metadata"].get("finalizers") or [])
        if propagation == "Foreground" and FOREGROUND not in finalizers:
            finalizers.append(FOREGROUND)
        elif propagation == "Orphan" and ORPHAN not in finalizers:
            finalizers.append(ORPHAN)
        graceful = self._grace_period(resource, current, grace_period)
        if not finalizers and not graceful and not _spec_finalizers(resource, current):
            if dry_run:
                return marked, True
            self._remove(resource, current)
            return deep_copy(current), True
        marked["metadata"]["finalizers"] = finalizers or None
        if not finalizers:
            marked["metadata"].pop("finalizers")
        marked["metadata"]["deletionTimestamp"] = format_time(self.clock.now())
        marked["metadata"]["deletionGracePeriodSeconds"] = graceful
        for defaulter in self.defaulters:
            defaulter(resource, marked, current)
        if dry_run:
            return marked, False
        return deep_copy(self._commit(resource, "MODIFIED", marked, current)), False

    def finish_deletion(self, resource: ResourceType, namespace: str, name: str) -> None:
        """Remove an object whose graceful deletion period is over (the kubelet's last word)."""
        current = self.peek(resource, namespace, name)
        if current is None:
            return
        if not current["metadata"].get("finalizers"):
            self._remove(resource, current)
            return
        waiting = deep_copy(current)
        waiting["metadata"]["deletionGracePeriodSeconds"] = 0
        self._commit(resource, "MODIFIED", waiting, current)

    def finalize_removal(self, resource: ResourceType, obj: Obj) -> None:
        """Remove an object regardless of finalizers (its type is going away)."""
        self._remove(resource, obj)

    # -- watch -------------------------------------------------------------------------

    def watch(
        self,
        resource: ResourceType,
        namespace: str | None,
        *,
        labels: LabelSelector | None = None,
        fields: FieldSelector | None = None,
        since: int | None = None,
    ) -> Watch:
        """Open a watch. ``since=None`` starts with ADDED for every current object."""
        watch = Watch(resource, namespace, labels, fields)
        if since is None:
            for obj in self.select(resource, namespace, labels=labels, fields=fields):
                watch.queue.put_nowait(("ADDED", obj))
        else:
            if (
                self._history
                and self._history[0].resource_version > since + 1
                and (len(self._history) == self._history.maxlen)
            ):
                raise ApiError(
                    410,
                    f"too old resource version: {since} ({self._history[0].resource_version - 1})",
                    reason="Expired",
                )
            for event in self._history:
                if event.resource_version > since and event.resource is resource:
                    watch.offer(event)
        self._watches.setdefault(resource.key, []).append(watch)
        return watch

    def stop_watch(self, watch: Watch) -> None:
        watches = self._watches.get(watch.resource.key, [])
        if watch in watches:
            watches.remove(watch)

    def add_listener(self, listener: Callable[[StoreEvent], None]) -> None:
        """Call ``listener`` after every committed write (controllers enqueue work here)."""
        self._listeners.append(listener)

    # -- internals ---------------------------------------------------------------------

    def _replace(
        self,
        resource: ResourceType,
        current: Obj,
        new: Obj,
        subresource: str | None,
        dry_run: bool,
        *,
        copy_result: bool = True,
    ) -> Obj:
        """Write ``new`` over ``current`` with main-resource or /status semantics.

        ``subresource="*"`` is the controllers' own write: everything is taken.
        """
        new["apiVersion"] = resource.api_version
        new["kind"] = resource.kind
        if subresource == "status":
            merged = deep_copy(current)
            if "status" in new:
                merged["status"] = new["status"]
            else:
                merged.pop("status", None)
            new = merged
        elif subresource != "*" and resource.has_status:
            if "status" in current:
                new["status"] = current["status"]
            else:
                new.pop("status", None)
        metadata = new.setdefault("metadata", {})
        for key in ("uid", "creationTimestamp", "deletionTimestamp", "namespace", "name"):
            if key in current["metadata"]:
                metadata[key] = current["metadata"][key]
            else:
                metadata.pop(key, None)
        if "deletionGracePeriodSeconds" in current["metadata"]:
            metadata["deletionGracePeriodSeconds"] = current["metadata"][
                "deletionGracePeriodSeconds"
            ]
        generation = current["metadata"].get("generation", 1)
        if _spec_of(new) != _spec_of(current):
            generation += 1
        metadata["generation"] = generation
        self._default_and_validate(resource, new, current)
        if dry_run:
            metadata["resourceVersion"] = current["metadata"]["resourceVersion"]
            return new
        metadata.pop("resourceVersion", None)
        if (
            is_deleting(new)
            and not metadata.get("finalizers")
            and not _spec_finalizers(resource, new)
            and not self._awaiting_grace(resource, new)
        ):
            metadata.pop("finalizers", None)
            self._remove(resource, {**new, "metadata": {**metadata}}, previous=current)
            return deep_copy(new) if copy_result else new
        stored = self._commit(resource, "MODIFIED", new, current)
        return deep_copy(stored) if copy_result else stored

    def _commit(self, resource: ResourceType, kind: str, obj: Obj, old: Obj | None) -> Obj:
        self._resource_version += 1
        obj["metadata"]["resourceVersion"] = str(self._resource_version)
        metadata = obj["metadata"]
        key = (metadata.get("namespace", ""), metadata["name"])
        self._objects.setdefault(resource.key, {})[key] = obj
        self._reindex_owners(resource, old, obj)
        self._publish(StoreEvent(kind, resource, obj, old, self._resource_version))
        return obj

    def _remove(self, resource: ResourceType, obj: Obj, *, previous: Obj | None = None) -> None:
        metadata = obj["metadata"]
        key = (metadata.get("namespace", ""), metadata["name"])
        stored = self._objects.get(resource.key, {}).pop(key, None)
        if stored is None:
            return
        self._resource_version += 1
        gone = deep_copy(obj)
        gone["metadata"]["resourceVersion"] = str(self._resource_version)
        self._reindex_owners(resource, stored, None)
        self._publish(
            StoreEvent("DELETED", resource, gone, previous or stored, self._resource_version)
        )

    def _publish(self, event: StoreEvent) -> None:
        self._history.append(event)
        for watch in self._watches.get(event.resource.key, ()):
            watch.offer(event)
        for listener in self._listeners:
            listener(event)

    def _reindex_owners(self, resource: ResourceType, old: Obj | None, new: Obj | None) -> None:
        source = new or old
        assert source is not None
        ref: ObjectKey = (
            resource.key,
            source["metadata"].get("namespace", ""),
            source["metadata"]["name"],
        )
        if new is None:
            self._by_uid.pop(source["metadata"]["uid"], None)
        else:
            self._by_uid[new["metadata"]["uid"]] = ref
        for uid in owner_uids(old) if old else []:
            self._dependents.get(uid, set()).discard(ref)
        for uid in owner_uids(new) if new else []:
            self._dependents.setdefault(uid, set()).add(ref)

    def _default_and_validate(self, resource: ResourceType, obj: Obj, old: Obj | None) -> None:
        for defaulter in self.defaulters:
            defaulter(resource, obj, old)
        problems: list[tuple[str, str]] = []
        for validator in self.validators:
            problems.extend(validator(resource, obj))
        if problems:
            raise invalid(resource.kind, obj["metadata"].get("name", ""), problems, resource.group)

    def _grace_period(self, resource: ResourceType, obj: Obj, requested: int | None) -> int:
        """Running pods bound to a node terminate gracefully; everything else goes at once."""
        if resource.key != "pods" or not obj.get("spec", {}).get("nodeName"):
            return 0
        if obj.get("status", {}).get("phase") in ("Succeeded", "Failed"):
            return 0
        if requested is not None:
            return max(requested, 0)
        return int(obj.get("spec", {}).get("terminationGracePeriodSeconds", 30))

    @staticmethod
    def _awaiting_grace(resource: ResourceType, obj: Obj) -> bool:
        """A terminating pod stays until the kubelet confirms its containers stopped."""
        return resource.key == "pods" and bool(obj["metadata"].get("deletionGracePeriodSeconds"))

    def _require_live_namespace(self, namespace: str) -> None:
        namespaces = self.registry.lookup("", "v1", "namespaces")
        found = self.peek(namespaces, "", namespace)
        if found is None:
            raise not_found("namespaces", namespace)
        if is_deleting(found):
            raise ApiError(
                403,
                f"unable to create new content in namespace {namespace} because it is being "
                "terminated",
                reason="Forbidden",
            )

    def _generate_name(self, resource: ResourceType, namespace: str, prefix: str) -> str:
        for _ in range(10):
            candidate = prefix + self.ids.suffix()
            if self.peek(resource, namespace, candidate) is None:
                return candidate
        raise ApiError(500, "could not generate a unique name", reason="InternalError")

    def _resource_for_key(self, key: str) -> ResourceType | None:
        plural, _, group = key.partition(".")
        return self.registry.find(group, plural)

    @staticmethod
    def _ns(resource: ResourceType, namespace: str | None) -> str:
        return (namespace or "") if resource.namespaced else ""


def _spec_finalizers(resource: ResourceType, obj: Obj) -> list[str]:
    """Namespaces keep their finalizers in ``spec`` (the namespace controller empties it)."""
    if resource.key != "namespaces":
        return []
    finalizers: list[str] = obj.get("spec", {}).get("finalizers") or []
    return finalizers


def _spec_of(obj: Obj) -> dict[str, Any]:
    """Everything that counts as desired state: all but metadata, status and type info."""
    return {k: v for k, v in obj.items() if k not in ("metadata", "status", "apiVersion", "kind")}
