"""Resource types the simulator serves, and the registry that CRDs extend at run time."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kubernaut.sim.errors import ApiError

ALL_VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
READ_VERBS = ("get", "list")


@dataclass(frozen=True)
class ScaleSpec:
    """Where a resource keeps what its ``/scale`` subresource reads and writes."""

    spec_replicas_path: str = ".spec.replicas"
    status_replicas_path: str = ".status.replicas"
    label_selector_path: str | None = ".status.selector"


@dataclass(frozen=True)
class ResourceType:
    group: str
    version: str
    kind: str
    plural: str
    namespaced: bool = True
    short_names: tuple[str, ...] = ()
    verbs: tuple[str, ...] = ALL_VERBS
    subresources: frozenset[str] = frozenset()
    categories: tuple[str, ...] = ()
    builtin: bool = True
    stored: bool = True
    """False for virtual resources computed on request (reviews, metrics)."""
    printer_columns: tuple[Mapping[str, Any], ...] = ()
    scale: ScaleSpec | None = None
    status_reset_on_create: bool = True
    """Whether create drops the status (true for types with a status subresource but nodes)."""

    @property
    def key(self) -> str:
        """Storage key: ``plural.group`` (``pods`` for the core group)."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def singular(self) -> str:
        return self.kind.lower()

    @property
    def has_status(self) -> bool:
        return "status" in self.subresources

    def path_prefix(self) -> str:
        return f"/apis/{self.group}/{self.version}" if self.group else "/api/v1"


class ResourceRegistry:
    """Resource types by group/version and plural; CRDs add and remove entries."""

    def __init__(self, types: Sequence[ResourceType]) -> None:
        self._by_gvr: dict[tuple[str, str, str], ResourceType] = {}
        for resource_type in types:
            self.add(resource_type)

    def add(self, resource_type: ResourceType) -> None:
        gvr = (resource_type.group, resource_type.version, resource_type.plural)
        self._by_gvr[gvr] = resource_type

    def remove(self, group: str, plural: str) -> None:
        for gvr in [gvr for gvr in self._by_gvr if gvr[0] == group and gvr[2] == plural]:
            del self._by_gvr[gvr]

    def lookup(self, group: str, version: str, plural: str) -> ResourceType:
        try:
            return self._by_gvr[(group, version, plural)]
        except KeyError:
            raise ApiError(
                404, "the server could not find the requested resource", reason="NotFound"
            ) from None

    def find(self, group: str, plural: str) -> ResourceType | None:
        """Any served version of ``plural.group`` (the simulator serves one version each)."""
        for (g, _, p), resource_type in self._by_gvr.items():
            if g == group and p == plural:
                return resource_type
        return None

    def by_kind(self, api_version: str, kind: str) -> ResourceType:
        group, _, version = api_version.rpartition("/")
        for resource_type in self._by_gvr.values():
            if (
                resource_type.group == group
                and resource_type.version == version
                and resource_type.kind == kind
            ):
                return resource_type
        raise ApiError(
            400, f'no matches for kind "{kind}" in version "{api_version}"', reason="BadRequest"
        )

    def groups(self) -> dict[str, list[str]]:
        """Group name -> served versions, in registration order (core group is "")."""
        result: dict[str, list[str]] = {}
        for group, version, _ in self._by_gvr:
            versions = result.setdefault(group, [])
            if version not in versions:
                versions.append(version)
        return result

    def in_group_version(self, group: str, version: str) -> list[ResourceType]:
        return [t for (g, v, _), t in self._by_gvr.items() if g == group and v == version]

    def __iter__(self) -> Iterator[ResourceType]:
        return iter(list(self._by_gvr.values()))


def printer_columns(resource_type: ResourceType) -> list[Mapping[str, Any]] | None:
    """A custom resource's printer columns (possibly none); None selects a built-in printer."""
    return None if resource_type.builtin else list(resource_type.printer_columns)
