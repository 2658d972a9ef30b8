"""Rolling restarts, as ``kubectl rollout restart`` does them: a pod-template annotation
whose change makes the controller replace every pod.

The annotation's value is the step's idempotency key rather than the time, so planning
or sending the same step again leaves the template as it is and starts no second
rollout.
"""

from __future__ import annotations

from kubernaut.core.actions import RiskLevel
from kubernaut.core.resources import ResourceRef
from kubernaut.tools.actions.parameters import ActionParameters
from kubernaut.tools.actions.targets import read_target, step_key_of, write_to
from kubernaut.tools.actions.templates import rollout_size, template_metadata
from kubernaut.tools.catalog_types import ActionContext, ActionSpec, Planner
from kubernaut.tools.plan import ActionPlan, Impact

RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"


class RestartParameters(ActionParameters):
    """No parameters: every pod of the workload is replaced."""


def _restart_value(step_key: str) -> str:
    return f"kubernaut-{step_key}"


def _restart_planner(action: str) -> Planner:
    async def plan(
        ctx: ActionContext, target: ResourceRef, params: RestartParameters
    ) -> ActionPlan:
        value = _restart_value(step_key_of(ctx, action))
        obj = await read_target(ctx, target)
        previous = (template_metadata(obj).get("annotations") or {}).get(RESTARTED_AT)
        pods = rollout_size(obj)
        patch = {"spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: value}}}}}
        return ActionPlan(
            action=action,
            target=target,
            parameters=params.model_dump(),
            writes=[write_to(obj, "patch", patch, patch_type="strategic")],
            pre_state={RESTARTED_AT: previous},
            impact=Impact(pods_affected=pods),
            summary=f"rolling restart of {target}: {pods} pod(s) replaced one by one",
        )

    return plan


def _spec(name: str, description: str, risk: RiskLevel, kinds: tuple[str, ...]) -> ActionSpec:
    return ActionSpec(
        name=name,
        description=description,
        parameters=RestartParameters,
        risk=risk,
        reversible=False,
        target_kinds=kinds,
        planner=_restart_planner(name),
    )


SPECS = (
    _spec(
        "restart_deployment",
        "Rolling restart of a Deployment: new pods replace the old ones within its rollout budget.",
        RiskLevel.MEDIUM,
        ("Deployment",),
    ),
    _spec(
        "restart_daemonset",
        "Rolling restart of a DaemonSet: its pod on every node is replaced in turn.",
        RiskLevel.MEDIUM,
        ("DaemonSet",),
    ),
    _spec(
        "restart_network",
        "Rolling restart of the cluster network's DaemonSet (the CNI agent, kube-proxy): "
        "briefly disturbs networking on each node in turn.",
        RiskLevel.HIGH,
        ("DaemonSet",),
    ),
    _spec(
        "reset_service_mesh",
        "Rolling restart of a service mesh's control plane (e.g. istiod) or of a workload "
        "whose sidecars must reconnect to it.",
        RiskLevel.HIGH,
        ("Deployment", "DaemonSet"),
    ),
)
