"""Turning an API path into what it addresses."""

from __future__ import annotations

from dataclasses import dataclass

from kubernaut.sim.errors import ApiError


@dataclass(frozen=True)
class ResourcePath:
    group: str
    version: str
    plural: str
    namespace: str | None
    name: str | None
    subresource: str | None
    legacy_watch: bool = False
    """The deprecated ``/watch/`` path form."""
    proxy_path: str = ""
    """For ``.../proxy/<path>``: the path forwarded to the pod or node."""


def parse_resource_path(path: str) -> ResourcePath | None:
    """Parse ``/api/v1/...`` and ``/apis/G/V/...``; None for non-resource paths."""
    parts = [p for p in path.split("/") if p]
    if len(parts) >= 3 and parts[0] == "api":
        group, version, rest = "", parts[1], parts[2:]
    elif len(parts) >= 4 and parts[0] == "apis":
        group, version, rest = parts[1], parts[2], parts[3:]
    else:
        return None
    legacy_watch = False
    if rest and rest[0] == "watch":
        legacy_watch, rest = True, rest[1:]
    namespace: str | None = None
    namespace_itself = group == "" and len(rest) == 3 and rest[2] in ("status", "finalize")
    if len(rest) >= 3 and rest[0] == "namespaces" and not namespace_itself:
        namespace, rest = rest[1], rest[2:]
    if len(rest) > 3 and rest[2] == "proxy":
        target = [p for p in rest[1].split(":") if p not in ("http", "https")]
        return ResourcePath(
            group,
            version,
            rest[0],
            namespace,
            target[0] if target else rest[1],
            "proxy",
            legacy_watch,
            "/".join(rest[3:]),
        )
    if not rest or len(rest) > 3:
        raise ApiError(404, "the server could not find the requested resource")
    plural = rest[0]
    name = rest[1] if len(rest) > 1 else None
    subresource = rest[2] if len(rest) > 2 else None
    return ResourcePath(group, version, plural, namespace, name, subresource, legacy_watch)
