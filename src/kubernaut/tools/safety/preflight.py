"""Checks that ask the API server, for a plan every other check let through: may this
identity send each write (a SelfSubjectAccessReview per write), and does the server
accept each write (a server-side dry run per write). Neither can be switched off."""

from __future__ import annotations

from kubernaut.core.policy import PolicyCheck
from kubernaut.kube import KubeApiError, KubeClient, KubeError
from kubernaut.tools.apply import send_write
from kubernaut.tools.plan import PlannedWrite
from kubernaut.tools.safety.checks import CheckName, allow, deny

_ACCESS_VERBS = {"create": "create", "patch": "patch", "delete": "delete", "evict": "create"}


async def rbac_check(client: KubeClient, writes: list[PlannedWrite]) -> PolicyCheck:
    refused: list[str] = []
    for write in writes:
        try:
            allowed, reason, asked = await _review(client, write)
        except KubeError as error:
            return deny(CheckName.RBAC, f"the access review for {write.describe()} failed: {error}")
        if not allowed:
            because = f": {reason}" if reason else ""
            refused.append(f"may not {asked} ({write.describe()}){because}")
    if refused:
        return deny(CheckName.RBAC, "; ".join(refused))
    return allow(CheckName.RBAC, f"{len(writes)} access review(s) allowed")


async def _review(client: KubeClient, write: PlannedWrite) -> tuple[bool, str, str]:
    """Whether this client may send ``write``, the server's reason, and what was asked."""
    verb = _ACCESS_VERBS[write.verb]
    if write.verb == "evict":
        group, resource, subresource = "", "pods", "eviction"
    else:
        kind = await client.resource(write.api_version, write.kind)
        group, resource, subresource = kind.group, kind.plural, ""
    allowed, reason = await client.can_i(
        verb,
        resource,
        group=group,
        namespace=write.namespace or None,
        name=None if write.verb == "create" else write.name,
        subresource=subresource or None,
    )
    qualified = f"{resource}.{group}" if group else resource
    if subresource:
        qualified += f"/{subresource}"
    where = f" in namespace {write.namespace}" if write.namespace else ""
    return allowed, reason, f"{verb} {qualified}{where}"


async def dry_run_check(client: KubeClient, writes: list[PlannedWrite]) -> PolicyCheck:
    """Stops at the first write the server rejects: later writes may depend on it."""
    for write in writes:
        try:
            await send_write(client, write, dry_run=True)
        except KubeApiError as error:
            if _already_done(write, error):
                continue
            return deny(
                CheckName.DRY_RUN,
                f"the server rejected {write.describe()} in a dry run: "
                f"{error.status} {error.reason}: {error.message}",
            )
        except KubeError as error:
            return deny(CheckName.DRY_RUN, f"the dry run of {write.describe()} failed: {error}")
    return allow(CheckName.DRY_RUN, f"the server accepted {len(writes)} write(s) in a dry run")


def _already_done(write: PlannedWrite, error: KubeApiError) -> bool:
    """A step resumed after it ran: what it creates exists (names derive from the step
    key), what it removes is gone. The executor recognises the step too."""
    if write.verb == "create":
        return error.status == 409 and error.reason == "AlreadyExists"
    return write.verb in ("delete", "evict") and error.status == 404
