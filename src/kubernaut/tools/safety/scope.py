"""Checks on what is proposed and where, before anything is read: the action is in the
catalog and allowed, the target is of a kind it acts on, and every namespace it would
touch is in scope."""

from __future__ import annotations

from collections import defaultdict

from kubernaut.core.policy import PolicyCheck
from kubernaut.core.resources import ResourceRef
from kubernaut.tools.actions.targets import ANY_KIND
from kubernaut.tools.catalog import CATALOG
from kubernaut.tools.catalog_types import ActionSpec
from kubernaut.tools.plan import ActionPlan
from kubernaut.tools.safety.checks import CheckName, allow, deny
from kubernaut.tools.safety.policy import ActionsPolicy, NamespacesPolicy

_SHOWN = 3


def catalog_check(action: str) -> tuple[PolicyCheck, ActionSpec | None]:
    spec = CATALOG.get(action)
    if spec is None:
        detail = f"{action} is not an action of the catalog (see docs/actions.md)"
        return deny(CheckName.CATALOG, detail), None
    return allow(CheckName.CATALOG, f"{action} is in the catalog (risk {spec.risk})"), spec


def allowed_check(policy: ActionsPolicy, action: str) -> PolicyCheck:
    if action in policy.denied:
        return deny(CheckName.ALLOWED, f"{action} is in actions.denied")
    if action not in policy.allowed:
        return deny(CheckName.ALLOWED, f"{action} is not in actions.allowed")
    return allow(CheckName.ALLOWED, f"{action} is allowed")


def target_check(spec: ActionSpec, target: ResourceRef) -> tuple[PolicyCheck, ResourceRef]:
    """The check, and the target as the catalog spells it: a kind written in another case
    is the same kind, and a cluster-scoped object has no namespace."""
    kind = _catalog_kind(spec, target.kind)
    if kind is None:
        kinds = ", ".join(spec.target_kinds)
        return deny(CheckName.TARGET, f"{spec.name} acts on {kinds}, not on {target.kind}"), target
    canonical = ResourceRef(kind=kind, namespace=target.namespace, name=target.name)
    if canonical.cluster_scoped:
        canonical = canonical.model_copy(update={"namespace": ""})
    elif not canonical.namespace:
        return deny(CheckName.TARGET, f"{kind} {target.name} needs a namespace"), canonical
    return allow(CheckName.TARGET, f"{spec.name} acts on {canonical}"), canonical


def _catalog_kind(spec: ActionSpec, kind: str) -> str | None:
    if ANY_KIND in spec.target_kinds:
        return kind
    return next((k for k in spec.target_kinds if k.lower() == kind.lower()), None)


def namespace_scope_check(
    policy: NamespacesPolicy, target: ResourceRef, plan: ActionPlan | None = None
) -> PolicyCheck:
    """The target's namespace, and with a plan the namespace of every write, must be in
    scope: so a drain evicting a pod of a protected namespace is denied too."""
    touched: dict[str, list[str]] = defaultdict(list)
    if target.namespace:
        touched[target.namespace].append(str(target))
    for write in plan.writes if plan else []:
        if write.namespace and write.namespace != target.namespace:
            touched[write.namespace].append(write.describe())
    problems = []
    for namespace, what in touched.items():
        refusal = policy.refusal(namespace)
        if refusal:
            problems.append(f"{refusal}: {_some(what)}")
    if problems:
        return deny(CheckName.NAMESPACE_SCOPE, "; ".join(problems))
    if not touched:
        return allow(CheckName.NAMESPACE_SCOPE, "touches no namespace")
    return allow(CheckName.NAMESPACE_SCOPE, f"in scope: {', '.join(sorted(touched))}")


def _some(items: list[str]) -> str:
    shown = ", ".join(items[:_SHOWN])
    rest = len(items) - _SHOWN
    return f"{shown} and {rest} more" if rest > 0 else shown
