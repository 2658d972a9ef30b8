"""Defaulting the API server applies on write, so stored objects look like a real cluster's."""

from __future__ import annotations

from typing import Any

from kubernaut.sim.ids import IdSource
from kubernaut.sim.objects import Obj
from kubernaut.sim.resources import ResourceType

_TEMPLATE_OWNERS = frozenset({"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job"})


class Defaulter:
    """Applies per-kind defaults; needs the id source to allocate Service cluster IPs."""

    def __init__(self, ids: IdSource) -> None:
        self._ids = ids

    def __call__(self, resource: ResourceType, obj: Obj, old: Obj | None) -> None:
        if not resource.builtin:
            return
        handler = getattr(self, f"_default_{resource.kind.lower()}", None)
        if handler is not None:
            handler(obj, old)
        if resource.kind in _TEMPLATE_OWNERS:
            template = obj.setdefault("spec", {}).setdefault("template", {})
            default_pod_spec(template.setdefault("spec", {}))

    def _default_namespace(self, obj: Obj, old: Obj | None) -> None:
        name = obj["metadata"]["name"]
        obj["metadata"].setdefault("labels", {})["kubernetes.io/metadata.name"] = name
        obj.setdefault("spec", {}).setdefault("finalizers", ["kubernetes"])
        status = obj.setdefault("status", {})
        status["phase"] = "Terminating" if obj["metadata"].get("deletionTimestamp") else "Active"

    def _default_pod(self, obj: Obj, old: Obj | None) -> None:
        default_pod_spec(obj.setdefault("spec", {}))
        if old is None:
            _default_toleration_seconds(obj["spec"])
        status = obj.setdefault("status", {})
        status.setdefault("phase", "Pending")
        status.setdefault("qosClass", qos_class(obj["spec"]))

    def _default_deployment(self, obj: Obj, old: Obj | None) -> None:
        spec = obj.setdefault("spec", {})
        spec.setdefault("replicas", 1)
        spec.setdefault("revisionHistoryLimit", 10)
        spec.setdefault("progressDeadlineSeconds", 600)
        strategy = spec.setdefault("strategy", {"type": "RollingUpdate"})
        if strategy.get("type", "RollingUpdate") == "RollingUpdate":
            strategy["type"] = "RollingUpdate"
            rolling = strategy.setdefault("rollingUpdate", {})
            rolling.setdefault("maxSurge", "25%")
            rolling.setdefault("maxUnavailable", "25%")

    def _default_replicaset(self, obj: Obj, old: Obj | None) -> None:
        obj.setdefault("spec", {}).setdefault("replicas", 1)

    def _default_statefulset(self, obj: Obj, old: Obj | None) -> None:
        spec = obj.setdefault("spec", {})
        spec.setdefault("replicas", 1)
        spec.setdefault("podManagementPolicy", "OrderedReady")
        spec.setdefault("revisionHistoryLimit", 10)
        spec.setdefault(
            "updateStrategy", {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}
        )

    def _default_daemonset(self, obj: Obj, old: Obj | None) -> None:
        spec = obj.setdefault("spec", {})
        spec.setdefault("revisionHistoryLimit", 10)
        spec.setdefault(
            "updateStrategy",
            {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}},
        )

    def _default_job(self, obj: Obj, old: Obj | None) -> None:
        spec = obj.setdefault("spec", {})
        if old is None and not spec.get("manualSelector"):
            _generate_job_selector(obj)
        spec.setdefault("completions", 1)
        spec.setdefault("parallelism", 1)
        spec.setdefault("backoffLimit", 6)
        spec.setdefault("completionMode", "NonIndexed")
        template_spec = spec.setdefault("template", {}).setdefault("spec", {})
        template_spec.setdefault("restartPolicy", "Never")

    def _default_cronjob(self, obj: Obj, old: Obj | None) -> None:
        spec = obj.setdefault("spec", {})
        spec.setdefault("concurrencyPolicy", "Allow")
        spec.setdefault("suspend", False)
        spec.setdefault("successfulJobsHistoryLimit", 3)
        spec.setdefault("failedJobsHistoryLimit", 1)

    def _default_service(self, obj: Obj, old: Obj | None) -> None:
        spec = obj.setdefault("spec", {})
        spec.setdefault("type", "ClusterIP")
        spec.setdefault("sessionAffinity", "None")
        if spec["type"] != "ExternalName" and not spec.get("clusterIP"):
            previous = (old or {}).get("spec", {}).get("clusterIP")
            spec["clusterIP"] = previous or self._ids.service_ip()
            spec["clusterIPs"] = [spec["clusterIP"]]
        for port in spec.get("ports") or []:
            port.setdefault("protocol", "TCP")
            port.setdefault("targetPort", port.get("port"))

    def _default_secret(self, obj: Obj, old: Obj | None) -> None:
        obj.setdefault("type", "Opaque")

    def _default_persistentvolumeclaim(self, obj: Obj, old: Obj | None) -> None:
        spec = obj.setdefault("spec", {})
        spec.setdefault("volumeMode", "Filesystem")
        spec.setdefault("storageClassName", "standard")
        obj.setdefault("status", {}).setdefault("phase", "Pending")


def _generate_job_selector(job: Obj) -> None:
    """The API server's generated selector: the job's uid, also labelled on its template."""
    uid = job["metadata"]["uid"]
    name = job["metadata"]["name"]
    labels = {
        "batch.kubernetes.io/controller-uid": uid,
        "batch.kubernetes.io/job-name": name,
        "controller-uid": uid,
        "job-name": name,
    }
    job["spec"]["selector"] = {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}
    template_meta = job["spec"].setdefault("template", {}).setdefault("metadata", {})
    template_meta["labels"] = {**(template_meta.get("labels") or {}), **labels}


def default_pod_spec(spec: Obj) -> None:
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("schedulerName", "default-scheduler")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("serviceAccountName", spec.get("serviceAccount") or "default")
    spec.setdefault("securityContext", {})
    for container in (spec.get("initContainers") or []) + (spec.get("containers") or []):
        _default_container(container)


def _default_toleration_seconds(spec: Obj) -> None:
    """Pods tolerate an unready or unreachable node for five minutes, then move."""
    tolerations = spec.setdefault("tolerations", [])
    for key in ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"):
        if not any(t.get("key") == key and t.get("effect") == "NoExecute" for t in tolerations):
            tolerations.append(
                {"key": key, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}
            )


def _default_container(container: Obj) -> None:
    image = str(container.get("image", ""))
    tag = image.rpartition(":")[2] if ":" in image.rpartition("/")[2] else ""
    if "@" not in image:
        container.setdefault(
            "imagePullPolicy", "Always" if tag in ("", "latest") else "IfNotPresent"
        )
    container.setdefault("terminationMessagePath", "/dev/termination-log")
    container.setdefault("terminationMessagePolicy", "File")
    container.setdefault("resources", {})
    for port in container.get("ports") or []:
        port.setdefault("protocol", "TCP")


def qos_class(spec: Obj) -> str:
    """Guaranteed when every container's requests equal limits; BestEffort when none set."""
    containers: list[dict[str, Any]] = spec.get("containers") or []
    any_set = False
    guaranteed = True
    for container in containers:
        resources = container.get("resources") or {}
        requests = resources.get("requests") or {}
        limits = resources.get("limits") or {}
        if requests or limits:
            any_set = True
        for resource_name in ("cpu", "memory"):
            limit = limits.get(resource_name)
            if limit is None or requests.get(resource_name, limit) != limit:
                guaranteed = False
    if not any_set:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"
