"""Acceptable and forbidden actions, and how a recommended action is matched against them.

An action matches an entry when its type is the entry's type, its target matches the
entry's target (if the entry has one), and each of the entry's parameter bounds holds
for the action's parameter of that name. Parameters the entry does not mention are
not constrained.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Annotated, Any

from pydantic import AfterValidator, Field

from kubernaut.sim.scenario.base import DnsLabel, FormatModel
from kubernaut.sim.scenario.bounds import Bound
from kubernaut.sim.scenario.catalog import ACTION_CATALOG, DESTRUCTIVE_ACTIONS
from kubernaut.sim.scenario.errors import did_you_mean


def _recommendable(value: str) -> str:
    if value in DESTRUCTIVE_ACTIONS:
        raise ValueError(f"{value!r} is destructive: it may appear only in forbiddenActions")
    if value not in ACTION_CATALOG:
        raise ValueError(
            f"{value!r} is not an action in the catalog{did_you_mean(value, ACTION_CATALOG)}"
        )
    return value


def _forbiddable(value: str) -> str:
    known = (*ACTION_CATALOG, *DESTRUCTIVE_ACTIONS)
    if value not in known:
        raise ValueError(f"{value!r} is not an action in the catalog{did_you_mean(value, known)}")
    return value


class ActionTarget(FormatModel):
    """The object an action acts on."""

    kind: str = Field(description="The object's kind, e.g. Deployment or Node (any case).")
    namespace: DnsLabel | None = Field(
        default=None,
        description="Its namespace; leave out for cluster-scoped kinds or any namespace.",
    )
    name: str = Field(
        description="Its name; shell-style wildcards (`*`, `?`, `[...]`) match generated "
        "names such as a Deployment's pods (`web-*`)."
    )

    def mismatch(self, target: Mapping[str, Any] | ActionTarget | None) -> str | None:
        """Why ``target`` is not this target, or None when it is."""
        if target is None:
            return f"no target given, expected {self}"
        given = target.model_dump() if isinstance(target, ActionTarget) else dict(target)
        kind, namespace, name = (str(given.get(key) or "") for key in ("kind", "namespace", "name"))
        if kind.lower() != self.kind.lower():
            return f"target kind is {kind or 'missing'}, expected {self.kind}"
        if self.namespace is not None and namespace != self.namespace:
            return f"target namespace is {namespace or 'missing'}, expected {self.namespace}"
        if not fnmatchcase(name, self.name):
            return f"target name is {name or 'missing'}, expected {self.name}"
        return None

    def __str__(self) -> str:
        where = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind} {where}{self.name}"


class _ActionEntry(FormatModel):
    type: str
    target: ActionTarget | None = Field(
        default=None, description="The object it must act on; leave out to match any target."
    )
    parameters: dict[str, Bound] = Field(
        default_factory=dict,
        description="Bounds on named parameters: an exact value, {min, max} or {oneOf}.",
    )

    def mismatch(
        self,
        action_type: str,
        target: Mapping[str, Any] | ActionTarget | None,
        parameters: Mapping[str, Any],
    ) -> str | None:
        """Why the action does not match this entry, or None when it does."""
        if action_type != self.type:
            return f"type is {action_type}, expected {self.type}"
        if self.target is not None:
            problem = self.target.mismatch(target)
            if problem is not None:
                return problem
        for name, bound in self.parameters.items():
            if name not in parameters:
                return f"parameter {name} is missing"
            problem = bound.violation(name, parameters[name])
            if problem is not None:
                return problem
        return None

    def __str__(self) -> str:
        return f"{self.type} {self.target}" if self.target is not None else self.type


class AcceptableAction(_ActionEntry):
    """A remediation that fixes the incident."""

    type: Annotated[str, AfterValidator(_recommendable)] = Field(
        description="An action of the catalog."
    )


class ForbiddenAction(_ActionEntry):
    """An action an agent must not take in this incident."""

    type: Annotated[str, AfterValidator(_forbiddable)] = Field(
        description="An action of the catalog or a destructive operation (delete_namespace, ...)."
    )


@dataclass(frozen=True)
class AcceptanceResult:
    """Whether a recommended action is acceptable; if not, why each candidate failed."""

    accepted: bool
    matched: AcceptableAction | None = None
    index: int | None = None
    reasons: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.accepted

    @property
    def detail(self) -> str:
        if self.matched is not None:
            return f"matches acceptableActions[{self.index}] ({self.matched})"
        return "; ".join(self.reasons) or "the scenario lists no acceptable actions"


@dataclass(frozen=True)
class ForbiddenResult:
    """Whether an action is forbidden, and by which entry."""

    forbidden: bool
    matched: ForbiddenAction | None = None
    index: int | None = None

    def __bool__(self) -> bool:
        return self.forbidden

    @property
    def detail(self) -> str:
        if self.matched is None:
            return "not forbidden"
        return f"forbidden by forbiddenActions[{self.index}] ({self.matched})"


def accepts(
    acceptable: Sequence[AcceptableAction],
    action_type: str,
    target: Mapping[str, Any] | ActionTarget | None,
    parameters: Mapping[str, Any] | None = None,
) -> AcceptanceResult:
    """The first acceptable action the recommended one matches."""
    reasons = []
    for index, entry in enumerate(acceptable):
        problem = entry.mismatch(action_type, target, parameters or {})
        if problem is None:
            return AcceptanceResult(True, entry, index)
        reasons.append(f"acceptableActions[{index}] ({entry}): {problem}")
    return AcceptanceResult(False, reasons=tuple(reasons))


def forbids(
    forbidden: Sequence[ForbiddenAction],
    action_type: str,
    target: Mapping[str, Any] | ActionTarget | None,
    parameters: Mapping[str, Any] | None = None,
) -> ForbiddenResult:
    """The first forbidden entry the action matches."""
    for index, entry in enumerate(forbidden):
        if entry.mismatch(action_type, target, parameters or {}) is None:
            return ForbiddenResult(True, entry, index)
    return ForbiddenResult(False)
