"""Classification of a signal before it may start anything: its environment and
priority (the rules are :mod:`kubernaut.core.classification`'s), and whether it is in
scope.

Scope is opt-in by default: the target (its top-level owner) or its namespace must be
labelled ``kubernaut.io/managed=true`` (the label is configurable). ``false`` on the
target opts it out even in a managed namespace. With opt-in off, everything is in scope
unless labelled ``false``."""

from __future__ import annotations

from dataclasses import dataclass

from kubernaut.core.classification import Environment, environment_of, priority_of
from kubernaut.core.resources import ResourceRef
from kubernaut.gateway.adapters.names import is_name
from kubernaut.gateway.cache import TtlCache
from kubernaut.gateway.targets import Target
from kubernaut.kube import KubeClient


@dataclass(frozen=True)
class Classification:
    environment: Environment
    priority: str
    in_scope: bool
    reason: str = ""


class Classifier:
    def __init__(
        self, client: KubeClient, *, label: str, opt_in: bool, cache_seconds: float
    ) -> None:
        self._client = client
        self.label = label
        self.opt_in = opt_in
        self._namespaces: TtlCache[str, dict[str, str]] = TtlCache(cache_seconds)

    async def namespace_labels(self, namespace: str) -> dict[str, str]:
        """Its labels; empty when it does not exist (or is no valid name)."""
        if not namespace or not is_name(namespace):
            return {}
        cached = self._namespaces.get(namespace)
        if cached is not None:
            return cached
        obj = await self._client.get("v1", "Namespace", None, namespace)
        labels = ((obj or {}).get("metadata") or {}).get("labels") or {}
        found = {str(k): str(v) for k, v in labels.items()}
        self._namespaces.put(namespace, found)
        return found

    async def classify(
        self, severity: str, namespace: str, target: Target | None
    ) -> Classification:
        if target is not None and target.ref.cluster_scoped:
            environment = environment_of("", target.labels)
            namespace_labels: dict[str, str] = {}
        else:
            namespace_labels = await self.namespace_labels(namespace)
            environment = environment_of(namespace, namespace_labels)
        priority = priority_of(environment, severity)
        in_scope, reason = self._scope(namespace, namespace_labels, target)
        return Classification(environment, priority, in_scope, reason)

    def _scope(
        self, namespace: str, namespace_labels: dict[str, str], target: Target | None
    ) -> tuple[bool, str]:
        on_target = (target.labels.get(self.label, "") if target else "").lower()
        on_namespace = namespace_labels.get(self.label, "").lower()
        if on_target == "false":
            return False, f"{_show(target.ref if target else None)} is labelled {self.label}=false"
        if on_target == "true":
            return True, ""
        if on_namespace == "false":
            return False, f"namespace {namespace} is labelled {self.label}=false"
        if on_namespace == "true" or not self.opt_in:
            return True, ""
        if target is None and not namespace:
            return False, f"the signal names no object or namespace to check for {self.label}=true"
        where = f"namespace {namespace}" if namespace else "its namespace"
        return False, (
            f"neither {_show(target.ref if target else None)} nor {where} is labelled "
            f"{self.label}=true"
        )


def _show(ref: ResourceRef | None) -> str:
    return str(ref) if ref else "the signal's object"
