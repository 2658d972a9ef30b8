"""Read-modify-write of an object's ``spec`` or ``status`` guarded by its
``resourceVersion``, retried on a conflict: for fields several writers change (a list
one appends to, a counter), where a plain merge patch would lose an update."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from typing import Any, Literal

from kubernaut.kube.client import KubeClient
from kubernaut.kube.errors import KubeApiError, KubeError

Obj = dict[str, Any]
MAX_ATTEMPTS = 40


async def guarded_update(
    client: KubeClient,
    api_version: str,
    kind: str,
    namespace: str,
    name: str,
    part: Literal["spec", "status"],
    change: Callable[[Obj], Obj | None],
) -> Obj | None:
    """Read the object, let ``change`` give the new ``part`` fields (None: nothing to
    write), write them guarded by the resourceVersion read; again on a conflict. The
    object as written (or as read when nothing was written); None when it is gone."""
    for attempt in range(MAX_ATTEMPTS):
        current = await client.get(api_version, kind, namespace, name)
        if current is None:
            return None
        fields = change(current)
        if fields is None:
            return current
        body = {
            "metadata": {"resourceVersion": current["metadata"]["resourceVersion"]},
            part: fields,
        }
        try:
            return await client.patch(
                api_version,
                kind,
                namespace,
                name,
                body,
                subresource="status" if part == "status" else "",
            )
        except KubeApiError as error:
            if error.status == 404:
                return None
            if error.status != 409:
                raise
        await asyncio.sleep(random.uniform(0, 0.002 * (attempt + 1)))
    raise KubeError(f"{kind} {namespace}/{name}: still conflicting after {MAX_ATTEMPTS} attempts")
