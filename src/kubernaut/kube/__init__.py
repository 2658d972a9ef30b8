"""Talking to a Kubernetes API server: kubeconfig loading and an async client."""

from kubernaut.kube.client import KubeClient, PatchType
from kubernaut.kube.errors import KubeApiError, KubeConfigError, KubeError, KubeUnreachable

__all__ = [
    "KubeApiError",
    "KubeClient",
    "KubeConfigError",
    "KubeError",
    "KubeUnreachable",
    "PatchType",
]
