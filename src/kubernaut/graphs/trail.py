"""Entries of the decision trail: what each node did, readable by a person."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def trail_entry(
    node: str, started: datetime, ended: datetime, summary: str, decision: str = ""
) -> dict[str, Any]:
    return {
        "node": node,
        "started": started.isoformat(),
        "ended": ended.isoformat(),
        "summary": summary,
        "decision": decision,
    }
