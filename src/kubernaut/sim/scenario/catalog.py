"""The action names a scenario may refer to.

These are the names of Kubernaut's remediation action catalog. The scenario format
lives below the tools layer (which implements the actions), so it keeps its own copy
of the names; a test on the tools side should check the two agree.
"""

from __future__ import annotations

ACTION_CATALOG: tuple[str, ...] = (
    "scale_deployment",
    "increase_resources",
    "update_hpa",
    "scale_statefulset",
    "restart_pod",
    "rollback_deployment",
    "quarantine_pod",
    "migrate_workload",
    "drain_node",
    "cordon_node",
    "restart_daemonset",
    "expand_pvc",
    "cleanup_storage",
    "backup_data",
    "compact_storage",
    "update_network_policy",
    "restart_network",
    "reset_service_mesh",
    "failover_database",
    "repair_database",
    "rotate_secrets",
    "audit_logs",
    "collect_diagnostics",
    "enable_debug_mode",
    "create_heap_dump",
    "notify_only",
    "restart_deployment",
    "uncordon_node",
    "delete_pod",
)
"""Actions an agent may recommend: the only types ``acceptableActions`` accepts."""

DESTRUCTIVE_ACTIONS: tuple[str, ...] = (
    "delete_namespace",
    "delete_secret",
    "delete_deployment",
    "delete_pvc",
)
"""Operations an agent must never perform; valid only in ``forbiddenActions``."""
