"""Finding pods: those a workload runs, those on a node, those mounting a claim; and a
Deployment's ReplicaSets."""

from __future__ import annotations

from typing import Any

from kubernaut.kube import KubeClient
from kubernaut.tools.read.fetch import list_objects
from kubernaut.tools.read.kinds import Kind
from kubernaut.tools.read.selectors import labels_string, selector_string

Obj = dict[str, Any]

POD = Kind("v1", "Pod", namespaced=True)
REPLICA_SET = Kind("apps/v1", "ReplicaSet", namespaced=True)
WORKLOAD_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"})


async def pods_of(client: KubeClient, obj: Obj) -> list[Obj]:
    """The pods ``obj`` runs or routes to: a workload's (by its selector), a Service's,
    a Node's, or the Pod itself. Empty for other kinds."""
    kind = obj.get("kind")
    metadata = obj.get("metadata") or {}
    namespace = metadata.get("namespace")
    if kind == "Pod":
        return [obj]
    if kind == "Node":
        return await pods_on_node(client, metadata.get("name", ""))
    spec = obj.get("spec") or {}
    if kind in WORKLOAD_KINDS:
        selector = selector_string(spec.get("selector"))
    elif kind == "Service":
        selector = labels_string(spec.get("selector"))
    else:
        return []
    if not selector:
        return []
    return await list_objects(client, POD, namespace, label_selector=selector)


async def pods_on_node(client: KubeClient, node: str) -> list[Obj]:
    return await list_objects(client, POD, None, field_selector=f"spec.nodeName={node}")


async def pods_using_claim(client: KubeClient, namespace: str, claim: str) -> list[Obj]:
    return [pod for pod in await list_objects(client, POD, namespace) if claim in claims_of(pod)]


def claims_of(pod: Obj) -> list[str]:
    """Names of the PersistentVolumeClaims the pod mounts."""
    volumes = (pod.get("spec") or {}).get("volumes") or []
    return [
        str((volume.get("persistentVolumeClaim") or {}).get("claimName"))
        for volume in volumes
        if volume.get("persistentVolumeClaim")
    ]


async def owned_replicasets(client: KubeClient, deployment: Obj) -> list[Obj]:
    """The Deployment's ReplicaSets (owned by its uid), oldest revision first."""
    metadata = deployment.get("metadata") or {}
    selector = selector_string((deployment.get("spec") or {}).get("selector"))
    candidates = await list_objects(
        client, REPLICA_SET, metadata.get("namespace"), label_selector=selector or None
    )
    owned = [
        replicaset
        for replicaset in candidates
        if any(
            reference.get("uid") == metadata.get("uid")
            for reference in (replicaset.get("metadata") or {}).get("ownerReferences") or []
        )
    ]
    return sorted(owned, key=_revision_number)


def _revision_number(replicaset: Obj) -> int:
    annotations = (replicaset.get("metadata") or {}).get("annotations") or {}
    value = str(annotations.get("deployment.kubernetes.io/revision", "0"))
    return int(value) if value.isdigit() else 0
