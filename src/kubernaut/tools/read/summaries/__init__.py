"""Compact, kind-aware summaries of Kubernetes objects: what an SRE looks at first for
each kind, as plain data ready for YAML."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kubernaut.tools.read.summaries.autoscaling import summarize_hpa
from kubernaut.tools.read.summaries.configmaps import summarize_configmap
from kubernaut.tools.read.summaries.events import summarize_event
from kubernaut.tools.read.summaries.generic import summarize_generic
from kubernaut.tools.read.summaries.nodes import summarize_node
from kubernaut.tools.read.summaries.pods import summarize_pod
from kubernaut.tools.read.summaries.services import summarize_endpoints, summarize_service
from kubernaut.tools.read.summaries.storage import summarize_pv, summarize_pvc
from kubernaut.tools.read.summaries.workloads import (
    summarize_cronjob,
    summarize_daemonset,
    summarize_deployment,
    summarize_job,
    summarize_replicaset,
    summarize_statefulset,
)

Obj = dict[str, Any]

_BY_KIND: dict[str, Callable[[Obj], Obj]] = {
    "Pod": summarize_pod,
    "Deployment": summarize_deployment,
    "StatefulSet": summarize_statefulset,
    "DaemonSet": summarize_daemonset,
    "ReplicaSet": summarize_replicaset,
    "Job": summarize_job,
    "CronJob": summarize_cronjob,
    "Node": summarize_node,
    "PersistentVolumeClaim": summarize_pvc,
    "PersistentVolume": summarize_pv,
    "HorizontalPodAutoscaler": summarize_hpa,
    "Service": summarize_service,
    "Endpoints": summarize_endpoints,
    "Event": summarize_event,
    "ConfigMap": summarize_configmap,
}


def summarize(obj: Obj) -> Obj:
    """The summary for ``obj``'s kind; metadata and a trimmed spec/status for others."""
    return _BY_KIND.get(str(obj.get("kind", "")), summarize_generic)(obj)


__all__ = ["summarize"]
