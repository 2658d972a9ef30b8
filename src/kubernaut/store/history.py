"""The remediation history in PostgreSQL: what every replica applied, kept across
restarts, for the cooldown, oscillation and rate checks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kubernaut.core.resources import ResourceRef
from kubernaut.store.database import Database
from kubernaut.store.schema import SCHEMA
from kubernaut.tools.safety.history import HistoryEntry

_COLUMNS = (
    "at, target_kind, target_namespace, target_name, action, parameters, remediation_id, "
    "step_key, replicas_before, replicas_after"
)


class PostgresHistory:
    """A :class:`~kubernaut.tools.safety.RemediationHistory` shared by every process that
    uses the same database. An entry whose non-empty ``step_key`` is already recorded is
    not recorded again: a graph resumed after a stop may run its execute node twice."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def record(self, entry: HistoryEntry) -> None:
        await self.database.pool.execute(
            f"""
            INSERT INTO {SCHEMA}.remediation_history ({_COLUMNS})
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT (step_key) WHERE step_key <> '' DO NOTHING
            """,
            entry.at,
            entry.target.kind,
            entry.target.namespace,
            entry.target.name,
            entry.action,
            entry.parameters,
            entry.remediation_id,
            entry.step_key,
            entry.replicas_before,
            entry.replicas_after,
        )

    async def entries(self, since: datetime) -> list[HistoryEntry]:
        """Entries at or after ``since``, oldest first."""
        rows = await self.database.pool.fetch(
            f"""
            SELECT {_COLUMNS} FROM {SCHEMA}.remediation_history
            WHERE at >= $1 ORDER BY at, id
            """,
            since,
        )
        return [_entry(row) for row in rows]


def _entry(row: Any) -> HistoryEntry:
    return HistoryEntry(
        target=ResourceRef(
            kind=row["target_kind"], namespace=row["target_namespace"], name=row["target_name"]
        ),
        action=row["action"],
        parameters=row["parameters"],
        at=row["at"],
        remediation_id=row["remediation_id"],
        step_key=row["step_key"],
        replicas_before=row["replicas_before"],
        replicas_after=row["replicas_after"],
    )
