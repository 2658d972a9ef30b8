"""Configuration a container refers to: what the kubelet needs before it can start it,
and what an application needs to run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kubernaut.sim.objects import Obj
from kubernaut.sim.physics.behavior import MissingReference

if TYPE_CHECKING:
    from kubernaut.sim.resources import ResourceType
    from kubernaut.sim.store import Store


class ConfigLookup:
    """Reads ConfigMaps and Secrets of a namespace from the store."""

    def __init__(self, store: Store, config_maps: ResourceType, secrets: ResourceType) -> None:
        self._store = store
        self._config_maps = config_maps
        self._secrets = secrets

    def _data(self, kind: str, namespace: str, name: str) -> dict[str, str] | None:
        resource = self._config_maps if kind == "ConfigMap" else self._secrets
        obj = self._store.peek(resource, namespace, name)
        if obj is None:
            return None
        data = dict(obj.get("data") or {})
        data.update(obj.get("binaryData") or {})
        data.update(obj.get("stringData") or {})
        return data

    def start_error(self, namespace: str, container: Obj) -> str | None:
        """Why the kubelet cannot create the container (CreateContainerConfigError), if so."""
        for env in container.get("env") or []:
            source = env.get("valueFrom") or {}
            for kind, field in (("ConfigMap", "configMapKeyRef"), ("Secret", "secretKeyRef")):
                ref = source.get(field)
                if not ref or ref.get("optional"):
                    continue
                data = self._data(kind, namespace, ref.get("name", ""))
                if data is None:
                    return f'{kind.lower()} "{ref.get("name", "")}" not found'
                if ref.get("key") not in data:
                    where = f"{kind} {namespace}/{ref.get('name')}"
                    return f"couldn't find key {ref.get('key')} in {where}"
        for source in container.get("envFrom") or []:
            for kind, field in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
                ref = source.get(field)
                missing = ref and self._data(kind, namespace, ref.get("name", "")) is None
                if missing and not ref.get("optional"):
                    return f'{kind.lower()} "{ref.get("name", "")}" not found'
        return None

    def is_missing(self, namespace: str, container: Obj, reference: MissingReference) -> bool:
        """Whether the configuration the application needs is absent right now."""
        if reference.env is not None:
            return not any(e.get("name") == reference.env for e in container.get("env") or [])
        kind = "ConfigMap" if reference.config_map_key else "Secret"
        name, _, key = (reference.config_map_key or reference.secret_key or "").partition("/")
        data = self._data(kind, namespace, name)
        return data is None or not data.get(key)
