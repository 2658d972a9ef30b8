"""What every Kubernaut resource shares: the API group, camelCase JSON, object metadata,
conditions, and the phase/conditions/observedGeneration status every kind carries."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any, ClassVar, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from kubernaut.core.resources import ResourceRef

GROUP = "kubernaut.io"
VERSION = "v1alpha1"
API_VERSION = f"{GROUP}/{VERSION}"

REMEDIATION_LABEL = "kubernaut.io/remediation"
"""On every child: the name of the RemediationRequest it belongs to."""
REMEDIATION_UID_LABEL = "kubernaut.io/remediation-uid"
"""On every child: the uid of its RemediationRequest (the graph's thread id)."""
FINGERPRINT_LABEL = "kubernaut.io/fingerprint"
"""On a RemediationRequest: its signal's fingerprint, for lookups without Redis."""


class CrdModel(BaseModel):
    """camelCase on the wire (the Kubernetes convention), snake_case in Python. Unknown
    fields are ignored: an object written by a newer Kubernaut still reads."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")

    def wire(self) -> dict[str, Any]:
        """The JSON form the API server stores."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class ConditionStatus(enum.StrEnum):
    TRUE = "True"
    FALSE = "False"
    UNKNOWN = "Unknown"


class Condition(CrdModel):
    """A ``metav1.Condition``."""

    type: str = Field(description="CamelCase condition type, e.g. Ready or Approved.")
    status: ConditionStatus
    reason: str = Field(default="", description="CamelCase reason for the last transition.")
    message: str = ""
    last_transition_time: AwareDatetime | None = None
    observed_generation: int | None = None


class OwnerReference(CrdModel):
    api_version: str
    kind: str
    name: str
    uid: str
    controller: bool | None = None
    block_owner_deletion: bool | None = None


class ObjectMeta(CrdModel):
    name: str = ""
    namespace: str = ""
    generate_name: str | None = None
    uid: str | None = None
    resource_version: str | None = None
    generation: int | None = None
    creation_timestamp: AwareDatetime | None = None
    deletion_timestamp: AwareDatetime | None = None
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)
    owner_references: list[OwnerReference] = Field(default_factory=list)
    finalizers: list[str] = Field(default_factory=list)


class StatusBase(CrdModel):
    """``phase`` is each kind's own enum; ``conditions`` and ``observedGeneration`` follow
    the API conventions."""

    observed_generation: int | None = None
    conditions: list[Condition] = Field(default_factory=list)
    message: str = Field(default="", description="What the phase means for this object now.")

    def condition(self, type_: str) -> Condition | None:
        return next((c for c in self.conditions if c.type == type_), None)


def set_condition(
    conditions: list[Condition],
    type_: str,
    status: bool | ConditionStatus,
    reason: str,
    message: str = "",
    *,
    now: datetime,
    generation: int | None = None,
) -> list[Condition]:
    """``conditions`` with ``type_`` set; its transition time moves only when its status
    changes."""
    value = status if isinstance(status, ConditionStatus) else ConditionStatus(str(status))
    previous = next((c for c in conditions if c.type == type_), None)
    moved = previous is None or previous.status is not value
    updated = Condition(
        type=type_,
        status=value,
        reason=reason,
        message=message,
        last_transition_time=now if previous is None or moved else previous.last_transition_time,
        observed_generation=generation,
    )
    return [updated if c.type == type_ else c for c in conditions] + ([] if previous else [updated])


class CrdObject(CrdModel):
    """One object of a Kubernaut kind. Subclasses declare ``spec`` and ``status``."""

    KIND: ClassVar[str]

    api_version: str = API_VERSION
    kind: str = ""
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)

    def model_post_init(self, context: Any) -> None:
        if not self.kind:
            self.kind = self.KIND

    @classmethod
    def parse(cls, obj: dict[str, Any]) -> Self:
        return cls.model_validate(obj)

    @property
    def name(self) -> str:
        return self.metadata.name

    @property
    def namespace(self) -> str:
        return self.metadata.namespace

    def owner_reference(self) -> OwnerReference:
        """An owner reference to this object for its children: deleting it deletes them."""
        if not self.metadata.uid:
            raise ValueError(f"{self.KIND} {self.name} has no uid yet (it was never stored)")
        return OwnerReference(
            api_version=API_VERSION,
            kind=self.KIND,
            name=self.name,
            uid=self.metadata.uid,
            controller=True,
            block_owner_deletion=True,
        )


def display(ref: ResourceRef | None) -> str:
    """``Kind/namespace/name`` (``Kind/name`` when cluster-scoped): one printer column."""
    if ref is None:
        return ""
    return "/".join(part for part in (ref.kind, ref.namespace, ref.name) if part)
