"""RemediationProcessing: the signal's object resolved to its top-level owner (Pod ->
ReplicaSet -> Deployment), and the remediation's environment and priority from the
namespace's labels and the signal's severity."""

from __future__ import annotations

from kubernaut.controllers.context import ControllerContext
from kubernaut.controllers.status import transition
from kubernaut.core.classification import Environment, environment_of, priority_of
from kubernaut.core.resources import ResourceRef
from kubernaut.crds import ProcessingPhase, RemediationProcessing, RemediationProcessingStatus
from kubernaut.crds.meta import display
from kubernaut.kube import KubeError
from kubernaut.tools.read.ownership import owner_chain, ref_of


async def enrich(ctx: ControllerContext, processing: RemediationProcessing) -> None:
    if processing.status.phase.value in (ProcessingPhase.COMPLETED, ProcessingPhase.FAILED):
        return
    spec = processing.spec
    try:
        chain, namespace_labels, note = await _resolve(ctx, spec.target)
    except KubeError as error:
        await transition(
            ctx,
            processing,
            RemediationProcessingStatus(phase=ProcessingPhase.FAILED, message=str(error)),
            reason="EnrichmentFailed",
            message=str(error),
            warning=True,
        )
        return
    target = chain[-1] if chain else None
    namespace = (target.namespace if target else "") or spec.signal.labels.get("namespace", "")
    environment = spec.environment or environment_of(namespace, namespace_labels).value
    priority = spec.priority or priority_of(Environment(environment), spec.signal.severity)
    message = f"target {display(target) or 'none'}, {environment}, {priority}" + note
    await transition(
        ctx,
        processing,
        RemediationProcessingStatus(
            phase=ProcessingPhase.COMPLETED,
            owner_chain=chain,
            target=target,
            environment=environment,
            priority=priority,
            namespace_labels=namespace_labels,
            message=message,
        ),
        reason="Enriched",
        message=message,
    )


async def _resolve(
    ctx: ControllerContext, target: ResourceRef | None
) -> tuple[list[ResourceRef], dict[str, str], str]:
    """The owner chain from ``target`` up (``target`` first), the labels of its namespace,
    and a note when the object is gone."""
    if target is None:
        return [], {}, ""
    labels: dict[str, str] = {}
    if target.namespace:
        namespace = await ctx.client.get("v1", "Namespace", None, target.namespace)
        labels = dict(((namespace or {}).get("metadata") or {}).get("labels") or {})
    found = await ctx.client.get("", target.kind, target.namespace or None, target.name)
    if found is None:
        return [target], labels, f" ({target} no longer exists)"
    chain = [ref_of(found)]
    for owner in await owner_chain(ctx.client, found):
        if owner.obj is None:
            break
        chain.append(owner.ref)
    return chain, labels, ""
