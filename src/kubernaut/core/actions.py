"""Vocabulary of the action catalog shared by the layers: risk levels and one planned step."""

from __future__ import annotations

import enum
import hashlib
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field

from kubernaut.core.resources import ResourceRef


class RiskLevel(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return list(RiskLevel).index(self)


class ActionStep(BaseModel):
    """One validated action to execute. ``key`` identifies the step across retries and
    restarts: executing a step whose key was already applied changes nothing."""

    model_config = ConfigDict(frozen=True)

    action: str
    target: ResourceRef
    parameters: dict[str, Any] = Field(default_factory=dict)
    key: str = Field(description="Idempotency key: the same step always has the same key.")

    @staticmethod
    def key_for(
        remediation_id: str,
        index: int,
        action: str,
        target: ResourceRef,
        parameters: dict[str, Any],
    ) -> str:
        """A short stable key from what identifies a step; safe as a label value and as a
        suffix of an object name."""
        material = orjson.dumps(
            [remediation_id, index, action, target.model_dump(), parameters],
            option=orjson.OPT_SORT_KEYS,
        )
        return "k" + hashlib.sha256(material).hexdigest()[:15]
