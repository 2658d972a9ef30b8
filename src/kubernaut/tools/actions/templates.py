"""The pod template of a workload (or the spec of a pod): its containers, which one a
parameter means, and how many pods a change to the template replaces."""

from __future__ import annotations

from typing import Any

from kubernaut.core.resources import ResourceRef
from kubernaut.tools.actions.targets import Obj
from kubernaut.tools.catalog_types import ActionParameterError

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet")


def pod_spec(obj: Obj) -> Obj:
    """A pod's spec, or a workload's pod template spec."""
    if obj.get("kind") == "Pod":
        spec: Obj = obj.get("spec") or {}
        return spec
    template: Obj = (obj.get("spec") or {}).get("template") or {}
    return template.get("spec") or {}


def template_metadata(obj: Obj) -> Obj:
    template: Obj = (obj.get("spec") or {}).get("template") or {}
    metadata: Obj = template.get("metadata") or {}
    return metadata


def container_names(obj: Obj) -> list[str]:
    return [str(c.get("name")) for c in pod_spec(obj).get("containers") or []]


def choose_container(obj: Obj, target: ResourceRef, requested: str | None) -> Obj:
    """The container ``requested`` names, or the only one when it names none; an
    ActionParameterError naming the ``container`` parameter otherwise."""
    containers: list[Obj] = list(pod_spec(obj).get("containers") or [])
    names = ", ".join(str(c.get("name")) for c in containers)
    if requested is None:
        if len(containers) == 1:
            return containers[0]
        raise ActionParameterError(
            f"container: {target} has containers {names}: say which one to change"
        )
    for container in containers:
        if container.get("name") == requested:
            return container
    raise ActionParameterError(f"container: {target} has no container {requested!r} ({names})")


def rollout_size(obj: Obj) -> int:
    """The pods a change of the pod template replaces: the workload's replicas."""
    if obj.get("kind") == "DaemonSet":
        return int((obj.get("status") or {}).get("desiredNumberScheduled") or 0)
    replicas = (obj.get("spec") or {}).get("replicas")
    return 1 if replicas is None else int(replicas)


def container_patch(name: str, **fields: Any) -> Obj:
    """A strategic-merge patch changing fields of one container of the pod template
    (containers merge by name)."""
    return {"spec": {"template": {"spec": {"containers": [{"name": name, **fields}]}}}}
