"""The tables, created or brought up to date when a :class:`~kubernaut.store.Database`
opens. Every change is a new numbered migration; applied numbers are kept in
``kubernaut.schema_version``. Openers in several processes take turns on an advisory
lock, so the first one migrates and the others find the work done."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kubernaut.store.errors import StoreError

SCHEMA = "kubernaut"
MIGRATION_LOCK = 0x6B75_6265_726E_6175
"""The advisory lock key ("kubernau" in ASCII) the openers take turns on."""


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "blobs, remediation history and audit log",
        (
            f"""
            CREATE TABLE IF NOT EXISTS {SCHEMA}.blobs (
                thread_id text NOT NULL,
                ref text NOT NULL,
                data bytea NOT NULL,
                size integer NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (thread_id, ref)
            )
            """,
            f"""
            CREATE TABLE IF NOT EXISTS {SCHEMA}.remediation_history (
                id bigserial PRIMARY KEY,
                at timestamptz NOT NULL,
                target_kind text NOT NULL,
                target_namespace text NOT NULL,
                target_name text NOT NULL,
                action text NOT NULL,
                parameters jsonb NOT NULL,
                remediation_id text NOT NULL,
                step_key text NOT NULL,
                replicas_before integer,
                replicas_after integer,
                recorded_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            f"""
            CREATE UNIQUE INDEX IF NOT EXISTS remediation_history_step_key
                ON {SCHEMA}.remediation_history (step_key) WHERE step_key <> ''
            """,
            f"""
            CREATE INDEX IF NOT EXISTS remediation_history_at
                ON {SCHEMA}.remediation_history (at)
            """,
            f"""
            CREATE TABLE IF NOT EXISTS {SCHEMA}.audit_log (
                id bigserial PRIMARY KEY,
                remediation_id text NOT NULL,
                object_kind text NOT NULL,
                object_name text NOT NULL,
                event text NOT NULL,
                message text NOT NULL,
                details jsonb NOT NULL,
                at timestamptz NOT NULL
            )
            """,
            f"""
            CREATE INDEX IF NOT EXISTS audit_log_remediation
                ON {SCHEMA}.audit_log (remediation_id, at, id)
            """,
        ),
    ),
)

LATEST = MIGRATIONS[-1].version


async def migrate(connection: Any) -> int:
    """Bring the schema to :data:`LATEST` on an asyncpg ``connection``; the version it is
    at now."""
    async with connection.transaction():
        await connection.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
        await connection.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        await connection.execute(
            f"""
            CREATE TABLE IF NOT EXISTS {SCHEMA}.schema_version (
                version integer PRIMARY KEY,
                description text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """
        )
        current: int = await connection.fetchval(
            f"SELECT coalesce(max(version), 0) FROM {SCHEMA}.schema_version"
        )
        if current > LATEST:
            raise StoreError(
                f"the database's schema is at version {current}, newer than this Kubernaut "
                f"knows ({LATEST}): a newer Kubernaut migrated it; upgrade this one"
            )
        for migration in MIGRATIONS:
            if migration.version <= current:
                continue
            for statement in migration.statements:
                await connection.execute(statement)
            await connection.execute(
                f"INSERT INTO {SCHEMA}.schema_version (version, description) VALUES ($1, $2)",
                migration.version,
                migration.description,
            )
        return LATEST
