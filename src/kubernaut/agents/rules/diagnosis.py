"""The rules: from evidence to ranked candidate recommendations.

Each rule recognises one family of incident from what the tools showed, names the root
cause with the evidence it saw, and proposes the catalog action that cures it, with
parameters computed from the observed values. Rules are tried in order; the first that
matches wins, and its alternatives follow it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from kubernaut.agents.rules.evidence import Evidence
from kubernaut.core.categories import RootCauseCategory as Category
from kubernaut.core.quantity import bytes_of, format_bytes, format_millicores, millicores
from kubernaut.core.recommendation import ProposedAction
from kubernaut.core.resources import ResourceRef

BAD_IMAGE = ("ErrImagePull", "ImagePullBackOff", "InvalidImageName")
CONFIG_ERRORS = ("CreateContainerConfigError", "CreateContainerError")
CONFIG_WORDS = ("config", "missing", "not set", "required", "environment variable", "undefined")
NODE_PROBLEMS = (
    "DiskPressure",
    "MemoryPressure",
    "PIDPressure",
    "NotReady",
    "EvictionThresholdMet",
)


@dataclass
class Candidate:
    category: Category
    summary: str
    evidence: list[str]
    target: ResourceRef
    actions: list[ProposedAction]
    confidence: float
    alternatives: list[ProposedAction] = field(default_factory=list)


Rule = Callable[[Evidence, ResourceRef], Candidate | None]


def diagnose(evidence: Evidence) -> Candidate:
    target = evidence.target
    if target is None:
        return _unknown(evidence, ResourceRef(kind="Namespace", name="default"))
    for rule in RULES:
        found = rule(evidence, target)
        if found is not None:
            return found
    return _unknown(evidence, target)


def _action(action: str, target: ResourceRef, rationale: str, **parameters: Any) -> ProposedAction:
    return ProposedAction(action=action, target=target, parameters=parameters, rationale=rationale)


def _notify(target: ResourceRef, message: str) -> ProposedAction:
    return _action("notify_only", target, "tell a person; nothing safe to change", message=message)


def out_of_memory(evidence: Evidence, target: ResourceRef) -> Candidate | None:
    if not evidence.mentions("OOMKilled") or target.kind not in (
        "Deployment",
        "StatefulSet",
        "DaemonSet",
    ):
        return None
    container = _container(evidence)
    current = _container_quantity(evidence, "limits", "memory", container)
    if current is None:
        return None
    raised = format_bytes(_round_up(current * 2, 64 * 2**20))
    where = f"container {container}" if container else "the container"
    summary = (
        f"{where} of {target} is OOMKilled (exit code 137): its working set exceeds its "
        f"memory limit of {format_bytes(current)}, so every start is killed and the pods "
        "crash loop."
    )
    parameters: dict[str, Any] = {"memory_limit": raised}
    if container:
        parameters["container"] = container
    return Candidate(
        category=Category.RESOURCE_EXHAUSTION,
        summary=summary,
        evidence=_lines(evidence, "OOMKilled", "137", "Back-off"),
        target=target,
        actions=[
            ProposedAction(
                action="increase_resources",
                target=target,
                parameters=parameters,
                rationale=f"raise the memory limit from {format_bytes(current)} to {raised}",
            )
        ],
        confidence=0.9,
        alternatives=[_notify(target, summary)],
    )


def cpu_throttling(evidence: Evidence, target: ResourceRef) -> Candidate | None:
    if "throttl" not in evidence.signal_name.lower() and not evidence.mentions("throttl"):
        return None
    container = _container(evidence)
    current = _container_quantity(evidence, "limits", "cpu", container)
    if current is None:
        return None
    # A throttled container's usage is capped at its limit, so what it wants is not
    # visible; triple the limit (the policy bounds the factor).
    raised = format_millicores(_round_up(current * 3, 100))
    parameters: dict[str, Any] = {"cpu_limit": raised}
    if container:
        parameters["container"] = container
    summary = (
        f"{target} is CPU throttled: it uses all of its CPU limit of "
        f"{format_millicores(current)} and the kernel throttles it, so requests slow down."
    )
    return Candidate(
        category=Category.RESOURCE_EXHAUSTION,
        summary=summary,
        evidence=_lines(evidence, "throttl", "cpu"),
        target=target,
        actions=[
            ProposedAction(
                action="increase_resources",
                target=target,
                parameters=parameters,
                rationale=f"raise the CPU limit from {format_millicores(current)} to {raised}",
            )
        ],
        confidence=0.8,
        alternatives=[_notify(target, summary)],
    )


def _bad_rollout(category: Category, why: str, keywords: tuple[str, ...]) -> Rule:
    def rule(evidence: Evidence, target: ResourceRef) -> Candidate | None:
        if target.kind != "Deployment" or _revisions(evidence) < 2:
            return None
        summary = (
            f"{target} rolled out a new revision and {why}; the previous revision worked, "
            "so rolling back restores service."
        )
        return Candidate(
            category=category,
            summary=summary,
            evidence=_lines(evidence, *keywords, "revision"),
            target=target,
            actions=[_action("rollback_deployment", target, "return to the previous revision")],
            confidence=0.85,
            alternatives=[_notify(target, summary)],
        )

    return rule


def bad_image(evidence: Evidence, target: ResourceRef) -> Candidate | None:
    if not evidence.mentions(*BAD_IMAGE):
        return None
    rule = _bad_rollout(
        Category.IMAGE, "its new image cannot be pulled (ErrImagePull/ImagePullBackOff)", BAD_IMAGE
    )
    return rule(evidence, target)


def missing_config(evidence: Evidence, target: ResourceRef) -> Candidate | None:
    crashing_on_config = evidence.mentions("CrashLoopBackOff", "Error") and evidence.mentions(
        *CONFIG_WORDS, tools=("pod_logs",)
    )
    if not (evidence.mentions(*CONFIG_ERRORS) or crashing_on_config):
        return None
    rule = _bad_rollout(
        Category.CONFIGURATION,
        "its new pods exit on a configuration error (a setting they need is missing)",
        (*CONFIG_ERRORS, *CONFIG_WORDS, "CrashLoopBackOff"),
    )
    return rule(evidence, target)


def failing_readiness(evidence: Evidence, target: ResourceRef) -> Candidate | None:
    if not evidence.mentions("Readiness probe failed", "not ready", "notReady"):
        return None
    rule = _bad_rollout(
        Category.BAD_ROLLOUT,
        "its new pods never pass their readiness probe, so the rollout stalls",
        ("Readiness", "Unhealthy", "not ready"),
    )
    return rule(evidence, target)


def error_rate(evidence: Evidence, target: ResourceRef) -> Candidate | None:
    if not re.search(r"error|5xx|latency", evidence.signal_name, re.IGNORECASE):
        return None
    rule = _bad_rollout(
        Category.BAD_ROLLOUT,
        "since then it answers many requests with errors (the alert's error rate)",
        ("error", "5xx", "revision"),
    )
    return rule(evidence, target)


def unschedulable(evidence: Evidence, target: ResourceRef) -> Candidate | None:
    if target.kind not in ("Deployment", "StatefulSet") or not evidence.mentions(
        "FailedScheduling"
    ):
        return None
    if not evidence.mentions("Insufficient memory"):
        return None
    largest = max(
        (
            v
            for data in evidence.data("get_resources")
            for v in _quantities(data, "allocatable", "memory")
        ),
        default=None,
    )
    if largest is None:
        return None
    fitting = format_bytes(_round_down(int(largest * 0.75), 256 * 2**20))
    summary = (
        f"pods of {target} stay Pending (FailedScheduling: Insufficient memory): they request "
        f"more memory than any node can offer (the largest allocatable is {format_bytes(largest)})."
    )
    parameters: dict[str, Any] = {"memory_request": fitting}
    container = _container(evidence)
    if container:
        parameters["container"] = container
    return Candidate(
        category=Category.SCHEDULING,
        summary=summary,
        evidence=_lines(evidence, "FailedScheduling", "Insufficient"),
        target=target,
        actions=[
            ProposedAction(
                action="increase_resources",
                target=target,
                parameters=parameters,
                rationale=f"set the memory request to {fitting}, which a node can hold",
            )
        ],
        confidence=0.75,
        alternatives=[_notify(target, summary)],
    )


def node_pressure(evidence: Evidence, target: ResourceRef) -> Candidate | None:
    if target.kind != "Node" or not evidence.mentions(*NODE_PROBLEMS):
        return None
    problem = next((p for p in NODE_PROBLEMS if evidence.mentions(p)), "a problem")
    summary = (
        f"node {target.name} reports {problem}: the kubelet is evicting pods and new pods "
        "land there; moving the workloads off it and cordoning it contains the damage."
    )
    return Candidate(
        category=Category.NODE,
        summary=summary,
        evidence=_lines(evidence, *NODE_PROBLEMS),
        target=target,
        actions=[
            _action("drain_node", target, "cordon it and move its pods elsewhere"),
            _action("cordon_node", target, "stop new pods landing on it"),
        ],
        confidence=0.85,
        alternatives=[_notify(target, summary)],
    )


def volume_full(evidence: Evidence, target: ResourceRef) -> Candidate | None:
    if target.kind != "PersistentVolumeClaim":
        return None
    capacity = max(
        (
            v
            for tool in ("describe", "get_resources")
            for data in evidence.data(tool)
            for key in ("capacity", "requested", "request")
            for v in _quantities(data, key, "storage")
        ),
        default=None,
    )
    if capacity is None:
        return None
    size = format_bytes(capacity * 2)
    summary = (
        f"volume {target.name} is nearly full (no space left on device soon) at its capacity "
        f"of {format_bytes(capacity)}; the database writing to it starts failing."
    )
    return Candidate(
        category=Category.STORAGE,
        summary=summary,
        evidence=_lines(evidence, "space", "capacity", "used"),
        target=target,
        actions=[_action("expand_pvc", target, f"grow the claim to {size}", size=size)],
        confidence=0.85,
        alternatives=[_notify(target, summary)],
    )


def autoscaler_maxed(evidence: Evidence, target: ResourceRef) -> Candidate | None:
    if target.kind != "HorizontalPodAutoscaler":
        return None
    maximum = next(
        (
            int(v)
            for tool in ("describe", "get_resources")
            for data in evidence.data(tool)
            for v in _values(data, ("maxReplicas", "max_replicas", "max"))
            if _is_int(v)
        ),
        None,
    )
    if maximum is None:
        return None
    summary = (
        f"{target} is at its maxReplicas of {maximum} (ScalingLimited) while CPU load stays "
        "above its target, so it cannot add the pods the load needs."
    )
    return Candidate(
        category=Category.SCALING,
        summary=summary,
        evidence=_lines(evidence, "ScalingLimited", "max", "cpu"),
        target=target,
        actions=[
            _action(
                "update_hpa",
                target,
                f"allow up to {maximum * 2} replicas",
                max_replicas=maximum * 2,
            )
        ],
        confidence=0.8,
        alternatives=[_notify(target, summary)],
    )


def _unknown(evidence: Evidence, target: ResourceRef) -> Candidate:
    summary = f"{evidence.signal_name or 'the signal'} on {target}: no rule recognises the cause."
    return Candidate(
        category=Category.DEPENDENCY,
        summary=summary,
        evidence=_lines(evidence, "Warning", "Error"),
        target=target,
        actions=[_notify(target, summary)],
        confidence=0.3,
    )


RULES: tuple[Rule, ...] = (
    node_pressure,
    volume_full,
    autoscaler_maxed,
    out_of_memory,
    bad_image,
    missing_config,
    failing_readiness,
    unschedulable,
    cpu_throttling,
    error_rate,
)


def _container(evidence: Evidence) -> str | None:
    return (evidence.signal.get("labels") or {}).get("container") or None


def _values(data: Any, keys: tuple[str, ...]) -> Iterator[Any]:
    """Every value under any of ``keys``, anywhere in ``data``."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in keys:
                yield value
            yield from _values(value, keys)
    elif isinstance(data, list):
        for item in data:
            yield from _values(item, keys)


def _quantities(data: Any, section: str, resource: str) -> Iterator[int]:
    """``section.resource`` quantities (bytes or millicores) anywhere in ``data``; a bare
    quantity under ``section`` counts too (``capacity: 10Gi``)."""
    parse = millicores if resource == "cpu" else bytes_of
    for value in _values(data, (section,)):
        raw = value.get(resource) if isinstance(value, dict) else value
        if not isinstance(raw, str | int | float) or isinstance(raw, bool):
            continue
        try:
            parsed = parse(raw)
        except ValueError:
            continue
        if parsed:
            yield parsed


def _container_quantity(
    evidence: Evidence, section: str, resource: str, container: str | None
) -> int | None:
    for data in evidence.data("describe"):
        for item in _values(data, ("containers",)):
            for entry in item if isinstance(item, list) else []:
                if isinstance(entry, dict) and (
                    container is None or entry.get("name") == container
                ):
                    found = next(_quantities(entry, section, resource), None)
                    if found:
                        return found
        found = next(_quantities(data, section, resource), None)
        if found:
            return found
    return None


def _revisions(evidence: Evidence) -> int:
    revisions = {
        str(v) for data in evidence.data("rollout_history") for v in _values(data, ("revision",))
    }
    return len(revisions)


def _lines(evidence: Evidence, *keywords: str, limit: int = 5) -> list[str]:
    """Short lines of tool output that mention any keyword: the evidence shown."""
    found: list[str] = []
    for output in evidence.outputs:
        for line in output.text.splitlines():
            stripped = line.strip(" -")
            if any(k.lower() in stripped.lower() for k in keywords) and stripped not in found:
                found.append(f"{output.tool}: {stripped[:200]}")
                if len(found) >= limit:
                    return found
    return found


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _round_up(value: float, step: int) -> int:
    return int(math.ceil(value / step) * step)


def _round_down(value: float, step: int) -> int:
    return max(step, int(value // step) * step)
