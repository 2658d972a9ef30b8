"""Which URL serves a kind: a table of the kinds Kubernaut uses, and API discovery for
the rest (custom resources included)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ResourceType:
    api_version: str
    kind: str
    plural: str
    namespaced: bool

    def path(self, namespace: str | None, name: str = "", subresource: str = "") -> str:
        prefix = "/api/v1" if self.api_version == "v1" else f"/apis/{self.api_version}"
        where = f"/namespaces/{namespace}" if self.namespaced and namespace else ""
        tail = f"/{name}" if name else ""
        if subresource:
            tail += f"/{subresource}"
        return f"{prefix}{where}/{self.plural}{tail}"

    @property
    def group(self) -> str:
        return self.api_version.rpartition("/")[0]


def _types(*rows: tuple[str, str, str, bool]) -> dict[tuple[str, str], ResourceType]:
    return {(row[0], row[1]): ResourceType(*row) for row in rows}


KNOWN_TYPES = _types(
    ("v1", "Pod", "pods", True),
    ("v1", "Node", "nodes", False),
    ("v1", "Namespace", "namespaces", False),
    ("v1", "Service", "services", True),
    ("v1", "Endpoints", "endpoints", True),
    ("v1", "Event", "events", True),
    ("v1", "ConfigMap", "configmaps", True),
    ("v1", "Secret", "secrets", True),
    ("v1", "ServiceAccount", "serviceaccounts", True),
    ("v1", "PersistentVolumeClaim", "persistentvolumeclaims", True),
    ("v1", "PersistentVolume", "persistentvolumes", False),
    ("v1", "ResourceQuota", "resourcequotas", True),
    ("v1", "LimitRange", "limitranges", True),
    ("apps/v1", "Deployment", "deployments", True),
    ("apps/v1", "ReplicaSet", "replicasets", True),
    ("apps/v1", "StatefulSet", "statefulsets", True),
    ("apps/v1", "DaemonSet", "daemonsets", True),
    ("apps/v1", "ControllerRevision", "controllerrevisions", True),
    ("batch/v1", "Job", "jobs", True),
    ("batch/v1", "CronJob", "cronjobs", True),
    ("autoscaling/v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", True),
    ("policy/v1", "PodDisruptionBudget", "poddisruptionbudgets", True),
    ("policy/v1", "Eviction", "evictions", True),
    ("networking.k8s.io/v1", "NetworkPolicy", "networkpolicies", True),
    ("networking.k8s.io/v1", "Ingress", "ingresses", True),
    ("discovery.k8s.io/v1", "EndpointSlice", "endpointslices", True),
    ("events.k8s.io/v1", "Event", "events", True),
    ("storage.k8s.io/v1", "StorageClass", "storageclasses", False),
    ("metrics.k8s.io/v1beta1", "PodMetrics", "pods", True),
    ("metrics.k8s.io/v1beta1", "NodeMetrics", "nodes", False),
    ("authorization.k8s.io/v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews", False),
    ("authentication.k8s.io/v1", "TokenReview", "tokenreviews", False),
    ("apiextensions.k8s.io/v1", "CustomResourceDefinition", "customresourcedefinitions", False),
)

DEFAULT_API_VERSIONS: dict[str, str] = {}
"""The usual apiVersion of each kind in :data:`KNOWN_TYPES`, for callers that know only the
kind (``Deployment`` -> ``apps/v1``)."""
for _type in KNOWN_TYPES.values():
    DEFAULT_API_VERSIONS.setdefault(_type.kind, _type.api_version)
