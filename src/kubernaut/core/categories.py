"""The closed set of root-cause categories a scenario's expected diagnosis falls in."""

from __future__ import annotations

import enum


class RootCauseCategory(enum.StrEnum):
    RESOURCE_EXHAUSTION = "resource-exhaustion"
    CONFIGURATION = "configuration"
    IMAGE = "image"
    BAD_ROLLOUT = "bad-rollout"
    SCHEDULING = "scheduling"
    NODE = "node"
    STORAGE = "storage"
    SCALING = "scaling"
    DEPENDENCY = "dependency"
    SECURITY = "security"


CATEGORY_DESCRIPTIONS: dict[RootCauseCategory, str] = {
    RootCauseCategory.RESOURCE_EXHAUSTION: (
        "a container needs more CPU or memory than its limits allow (OOMKilled, throttling)"
    ),
    RootCauseCategory.CONFIGURATION: (
        "a wrong or missing setting: ConfigMap, Secret, environment, command, probe"
    ),
    RootCauseCategory.IMAGE: (
        "the container image cannot be pulled or does not run (bad tag, missing, private)"
    ),
    RootCauseCategory.BAD_ROLLOUT: (
        "a new revision of a workload is worse than the previous one and should be undone"
    ),
    RootCauseCategory.SCHEDULING: (
        "pods cannot be placed: insufficient capacity, taints, affinity, node selectors"
    ),
    RootCauseCategory.NODE: (
        "a node is unhealthy or under pressure (NotReady, MemoryPressure, DiskPressure)"
    ),
    RootCauseCategory.STORAGE: ("a volume is full, unbound, or cannot be attached or expanded"),
    RootCauseCategory.SCALING: (
        "too few replicas for the load, or an autoscaler that cannot scale far enough"
    ),
    RootCauseCategory.DEPENDENCY: (
        "the workload is fine but something it calls (database, service, DNS) is failing"
    ),
    RootCauseCategory.SECURITY: (
        "a credential, permission or policy problem: expired secret, denied access, exposure"
    ),
}
