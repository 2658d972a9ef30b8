"""The audit log: one append-only row per thing that happened to a remediation's
objects (a phase change, an approval, an escalation), kept after the objects are gone."""

from __future__ import annotations

from typing import Any

from pydantic import AwareDatetime, BaseModel, Field

from kubernaut.store.database import Database
from kubernaut.store.schema import SCHEMA


class AuditEntry(BaseModel):
    remediation_id: str = Field(description="The RemediationRequest's uid.")
    kind: str = Field(description="Kind of the object it happened to, e.g. AIAnalysis.")
    name: str = Field(description="That object's name.")
    event: str = Field(description="What happened, CamelCase: a phase or a reason.")
    message: str = ""
    details: dict[str, Any] = Field(default_factory=dict, description="Any JSON.")
    at: AwareDatetime


class AuditLog:
    """Rows are only ever added; :meth:`entries` reads one remediation's, oldest first."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def record(self, entry: AuditEntry) -> None:
        await self.database.pool.execute(
            f"""
            INSERT INTO {SCHEMA}.audit_log
                (remediation_id, object_kind, object_name, event, message, details, at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """,
            entry.remediation_id,
            entry.kind,
            entry.name,
            entry.event,
            entry.message,
            entry.details,
            entry.at,
        )

    async def entries(self, remediation_id: str) -> list[AuditEntry]:
        rows = await self.database.pool.fetch(
            f"""
            SELECT remediation_id, object_kind, object_name, event, message, details, at
            FROM {SCHEMA}.audit_log WHERE remediation_id = $1 ORDER BY at, id
            """,
            remediation_id,
        )
        return [
            AuditEntry(
                remediation_id=row["remediation_id"],
                kind=row["object_kind"],
                name=row["object_name"],
                event=row["event"],
                message=row["message"],
                details=row["details"],
                at=row["at"],
            )
            for row in rows
        ]
