"""What every health predicate is: a small model, written in YAML as ``{name: {fields}}``,
evaluated at one instant against a cluster."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

from pydantic import model_serializer, model_validator

from kubernaut.sim.scenario.base import FormatModel
from kubernaut.sim.scenario.reader import ClusterReader, ClusterReadError


class ObjectRef(NamedTuple):
    """An object a predicate names, which must exist in the scenario's starting cluster."""

    kind: str
    namespace: str | None
    name: str


@dataclass(frozen=True)
class PredicateResult:
    """One predicate at one instant: whether it holds, and what the cluster looked like."""

    predicate: str
    ok: bool
    detail: str

    def __str__(self) -> str:
        return f"{'ok' if self.ok else 'FAILING'} {self.predicate}: {self.detail}"


class Predicate(FormatModel):
    """Subclasses set ``key`` (their name in YAML) and implement :meth:`check`."""

    key: ClassVar[str]

    @model_validator(mode="before")
    @classmethod
    def _unwrap(cls, value: Any) -> Any:
        if isinstance(value, dict) and len(value) == 1 and cls.key in value:
            return value[cls.key]
        return value

    @model_serializer(mode="wrap")
    def _wrap(self, handler: Callable[[Any], Any]) -> dict[str, Any]:
        return {self.key: handler(self)}

    async def evaluate(self, reader: ClusterReader) -> PredicateResult:
        """Evaluate now. A cluster that cannot be read makes the predicate fail."""
        try:
            ok, detail = await self.check(reader)
        except ClusterReadError as error:
            ok, detail = False, f"{self.subject()}: cannot read the cluster: {error}"
        return PredicateResult(self.key, ok, detail)

    async def check(self, reader: ClusterReader) -> tuple[bool, str]:
        """Whether the predicate holds, and a one-line detail starting with the subject."""
        raise NotImplementedError

    def subject(self) -> str:
        """What the predicate is about, e.g. ``deployment shop/web``."""
        raise NotImplementedError

    def references(self) -> list[ObjectRef]:
        """Objects that must be in the starting cluster for the predicate to make sense."""
        return []
