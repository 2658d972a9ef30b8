"""The opt-in check: Kubernaut acts only where someone labelled it welcome.

A namespaced target is in when its namespace, or the target object itself, carries the
opt-in label. A cluster-scoped target (a Node) is exempt from the namespace rule, but
every existing object a plan changes other than its target (the pods a drain evicts)
must be in an opted-in namespace. Objects a plan creates (a diagnostics ConfigMap, a
notification Event, a Job) are Kubernaut's own records and need no opt-in; the
namespace-scope check still keeps them out of protected namespaces.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from kubernaut.core.policy import PolicyCheck, Verdict
from kubernaut.core.resources import ResourceRef
from kubernaut.kube import KubeClient, KubeError
from kubernaut.tools.plan import ActionPlan, PlannedWrite
from kubernaut.tools.safety.checks import CheckName, allow, deny
from kubernaut.tools.safety.policy import OptInPolicy


class OptInCheck:
    """One validation's opt-in check: the target's verdict and each namespace's labels
    are read at most once."""

    def __init__(self, client: KubeClient, policy: OptInPolicy) -> None:
        self._client = client
        self._policy = policy
        self._namespace_labels: dict[str, dict[str, str] | None] = {}
        self._target_verdicts: dict[ResourceRef, PolicyCheck] = {}

    async def for_target(self, target: ResourceRef) -> PolicyCheck:
        if target not in self._target_verdicts:
            self._target_verdicts[target] = await self._target_verdict(target)
        return self._target_verdicts[target]

    async def _target_verdict(self, target: ResourceRef) -> PolicyCheck:
        label = self._policy.label
        if not self._policy.required:
            return allow(CheckName.OPT_IN, "not required (optIn.required is false)")
        if target.cluster_scoped:
            return allow(
                CheckName.OPT_IN,
                f"{target} is cluster-scoped: exempt; what it changes in namespaces is checked",
            )
        labels = await self._labels_of_namespace(target.namespace)
        if labels is None:
            return deny(CheckName.OPT_IN, f"namespace {target.namespace} does not exist")
        if self._policy.is_carried_by(labels):
            return allow(CheckName.OPT_IN, f"namespace {target.namespace} carries {label}")
        if self._policy.is_carried_by(await self._labels_of(target)):
            return allow(CheckName.OPT_IN, f"{target} carries {label}")
        return deny(
            CheckName.OPT_IN,
            f"neither namespace {target.namespace} nor {target} carries the opt-in label "
            f"{label} (optIn.label); to let Kubernaut act there, run "
            f"kubectl label namespace {target.namespace} {label}",
        )

    async def for_plan(self, plan: ActionPlan) -> PolicyCheck:
        """The target's verdict, extended to the other objects the plan changes."""
        verdict = await self.for_target(plan.target)
        if verdict.verdict is not Verdict.ALLOW or not self._policy.required:
            return verdict
        changed: dict[str, list[PlannedWrite]] = defaultdict(list)
        for write in plan.writes:
            if write.namespace and write.verb != "create" and not _is_target(write, plan):
                changed[write.namespace].append(write)
        outside = []
        for namespace in sorted(changed):
            labels = await self._labels_of_namespace(namespace)
            if labels is None or not self._policy.is_carried_by(labels):
                outside.append(namespace)
        if outside:
            first = changed[outside[0]][0].describe()
            return deny(
                CheckName.OPT_IN,
                f"the plan changes objects in namespaces without the opt-in label "
                f"{self._policy.label}: {', '.join(outside)} (e.g. {first})",
            )
        return verdict

    async def _labels_of_namespace(self, namespace: str) -> dict[str, str] | None:
        if namespace not in self._namespace_labels:
            found = await self._client.get("v1", "Namespace", None, namespace)
            self._namespace_labels[namespace] = _labels(found) if found else None
        return self._namespace_labels[namespace]

    async def _labels_of(self, target: ResourceRef) -> dict[str, str]:
        try:
            found = await self._client.get("", target.kind, target.namespace, target.name)
        except KubeError:
            return {}
        return _labels(found) if found else {}


def _labels(obj: dict[str, Any]) -> dict[str, str]:
    return dict((obj.get("metadata") or {}).get("labels") or {})


def _is_target(write: PlannedWrite, plan: ActionPlan) -> bool:
    target = plan.target
    return (write.kind, write.namespace, write.name) == (target.kind, target.namespace, target.name)
