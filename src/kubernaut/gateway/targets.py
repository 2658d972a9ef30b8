"""A signal's object resolved to its top-level owner (Pod -> ReplicaSet -> Deployment), with
that owner's labels for the scope check. Answers are cached for a short while: a burst
of signals about one pod costs one owner walk."""

from __future__ import annotations

from dataclasses import dataclass, field

from kubernaut.core.resources import ResourceRef
from kubernaut.gateway.adapters.names import is_kind, is_name
from kubernaut.gateway.cache import TtlCache
from kubernaut.kube import KubeClient, KubeError, KubeUnreachable
from kubernaut.kube.errors import KubeApiError
from kubernaut.kube.resources import DEFAULT_API_VERSIONS
from kubernaut.tools.read.ownership import Obj, ref_of, top_owner


@dataclass(frozen=True)
class Target:
    ref: ResourceRef
    labels: dict[str, str] = field(default_factory=dict)
    found: bool = False
    """False: the object could not be read (gone, unknown kind), so ``ref`` is as sent."""


class TargetResolver:
    def __init__(self, client: KubeClient, cache_seconds: float) -> None:
        self._client = client
        self._cache: TtlCache[ResourceRef, Target] = TtlCache(cache_seconds)

    async def resolve(self, ref: ResourceRef) -> Target:
        cached = self._cache.get(ref)
        if cached is not None:
            return cached
        obj = await self._read(ref)
        if obj is None:
            target = Target(ref)
        else:
            top = await top_owner(self._client, obj)
            labels = (top.get("metadata") or {}).get("labels") or {}
            target = Target(ref_of(top), {str(k): str(v) for k, v in labels.items()}, found=True)
        self._cache.put(ref, target)
        return target

    async def _read(self, ref: ResourceRef) -> Obj | None:
        if not is_kind(ref.kind) or not is_name(ref.name):
            return None
        if ref.namespace and not is_name(ref.namespace):
            return None
        try:
            return await self._client.get(
                DEFAULT_API_VERSIONS.get(ref.kind, ""), ref.kind, ref.namespace or None, ref.name
            )
        except KubeUnreachable:
            raise
        except KubeApiError as error:
            if error.status >= 500 or error.status == 429:
                raise
            return None
        except KubeError:
            return None
