"""A reference to one Kubernetes object, the unit every tool and action talks about."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

CLUSTER_SCOPED_KINDS = frozenset(
    {"Node", "Namespace", "PersistentVolume", "StorageClass", "ClusterRole", "ClusterRoleBinding"}
)


class ResourceRef(BaseModel):
    """``kind``, ``namespace`` and ``name`` of an object; ``namespace`` is empty for
    cluster-scoped kinds."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str = Field(description="The object's kind, e.g. Deployment, Pod or Node.")
    namespace: str = Field(default="", description="Its namespace; empty when cluster-scoped.")
    name: str = Field(min_length=1, description="Its name.")

    @property
    def cluster_scoped(self) -> bool:
        return self.kind in CLUSTER_SCOPED_KINDS

    def __str__(self) -> str:
        where = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind} {where}{self.name}"
