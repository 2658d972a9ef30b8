"""The audit log: each remediation's rows, oldest first, with their JSON details."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kubernaut.store import AuditEntry, AuditLog, Database

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _entry(remediation: str, event: str, seconds: float, **details: object) -> AuditEntry:
    return AuditEntry(
        remediation_id=remediation,
        kind="AIAnalysis",
        name=f"{remediation}-analysis",
        event=event,
        message=f"phase {event}",
        details=dict(details),
        at=T0 + timedelta(seconds=seconds),
    )


async def test_a_remediation_reads_back_its_own_rows_in_order(database_url: str) -> None:
    async with Database() as database:
        log = AuditLog(database)
        written = [
            _entry("rr-1", "Investigating", 0),
            _entry("rr-2", "Investigating", 1),
            _entry("rr-1", "Validating", 20, checks=[{"name": "scope", "verdict": "allow"}]),
            _entry("rr-1", "Recommending", 10, confidence=0.9, action="increase_resources"),
            _entry("rr-1", "Completed", 20),
        ]
        for entry in written:
            await log.record(entry)

        rr1 = await AuditLog(database).entries("rr-1")
        unknown = await log.entries("rr-404")

    assert [entry.event for entry in rr1] == [
        "Investigating",
        "Recommending",
        "Validating",
        "Completed",
    ]
    assert rr1[1] == written[3]
    assert rr1[2].details == {"checks": [{"name": "scope", "verdict": "allow"}]}
    assert unknown == []
