"""`kubernaut approve NAME [--reject] [--reason TEXT]`: decide a RemediationApproval.

Who may decide is a Kubernetes RBAC question (patch on remediationapprovals in the
namespace); the decision names the caller as the API server knows them.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from kubernaut.controllers.naming import approval_name
from kubernaut.crds import API_VERSION, ApprovalDecision, RemediationApproval
from kubernaut.kube import KubeClient, KubeError
from kubernaut.kube.errors import KubeApiError


class ApproveError(Exception):
    """The decision could not be recorded; the message says why and what to do."""


def approve(
    name: str,
    *,
    reject: bool,
    reason: str,
    namespace: str,
    kubeconfig: Path | None,
    context: str | None,
) -> int:
    try:
        line = asyncio.run(_decide(name, reject, reason, namespace, kubeconfig, context))
    except (ApproveError, KubeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(line)
    return 0


async def _decide(
    name: str,
    reject: bool,
    reason: str,
    namespace: str,
    kubeconfig: Path | None,
    context: str | None,
) -> str:
    async with KubeClient(kubeconfig, context=context) as client:
        approval = await _find(client, name, namespace)
        if approval.status.phase.terminal or approval.spec.decision is not None:
            decided = approval.spec.decision or approval.status.phase
            raise ApproveError(f"{approval.name} is already {decided.value}: nothing to decide")
        decision = ApprovalDecision.REJECTED if reject else ApprovalDecision.APPROVED
        who = await _identity(client)
        patch = {"spec": {"decision": decision.value, "decidedBy": who, "decisionReason": reason}}
        try:
            await client.patch(API_VERSION, approval.KIND, namespace, approval.name, patch)
        except KubeApiError as error:
            if error.status == 403:
                raise ApproveError(
                    f"{who} may not decide approvals in {namespace}: {error.message}. "
                    f"Deciding needs 'patch' on remediationapprovals.kubernaut.io in {namespace} "
                    "(deploy/approver-role.yaml grants it)"
                ) from None
            raise
    spec = approval.spec
    target = f"{spec.target.kind}/{spec.target.namespace}/{spec.target.name}".replace("//", "/")
    then = "the remediation resumes" if not reject else "nothing will be written"
    return f"{decision.value.lower()} {approval.name}: {spec.action} on {target}; {then}"


async def _find(client: KubeClient, name: str, namespace: str) -> RemediationApproval:
    for candidate in (name, approval_name(name)):
        found = await client.get(API_VERSION, RemediationApproval.KIND, namespace, candidate)
        if found is not None:
            return RemediationApproval.parse(found)
    raise ApproveError(
        f"no RemediationApproval {name} (or {approval_name(name)}) in namespace {namespace}; "
        f"list them with: kubectl get remediationapprovals -n {namespace}"
    )


async def _identity(client: KubeClient) -> str:
    """Who the API server says we are; the kubeconfig's user where it cannot say."""
    try:
        return await client.whoami() or "unknown"
    except KubeApiError:
        return client.connection.user or "unknown"
