"""Sending a planned write. The safety checks (as server-side dry runs) and the executor
(for real) both go through here, so what was validated is exactly what is sent."""

from __future__ import annotations

from typing import Any

from kubernaut.kube import KubeApiError, KubeClient
from kubernaut.tools.plan import PlannedWrite


async def send_write(
    client: KubeClient, write: PlannedWrite, *, dry_run: bool = False
) -> dict[str, Any] | None:
    """Send ``write``; the API server's answer, or None for a delete of an object already
    gone and for an eviction. An eviction of a pod that is already gone counts as done;
    any other refusal raises :class:`~kubernaut.kube.KubeApiError` (an eviction a
    PodDisruptionBudget forbids answers 429)."""
    namespace = write.namespace or None
    if write.verb == "create":
        return await client.create(write.body, dry_run=dry_run)
    if write.verb == "patch":
        return await client.patch(
            write.api_version,
            write.kind,
            namespace,
            write.name,
            write.body,
            patch_type=write.patch_type,
            dry_run=dry_run,
        )
    if write.verb == "delete":
        options = write.body or {}
        return await client.delete(
            write.api_version,
            write.kind,
            namespace,
            write.name,
            dry_run=dry_run,
            propagation=options.get("propagationPolicy", "Background"),
            grace_period_seconds=options.get("gracePeriodSeconds"),
        )
    try:
        await client.evict(write.namespace, write.name, dry_run=dry_run)
    except KubeApiError as error:
        if error.status != 404:
            raise
    return None
