"""The CRD-backed LangGraph checkpointer: each checkpoint in the status of the custom
resource running the graph's nodes, large values in PostgreSQL (docs/checkpoints.md)."""

from kubernaut.graphs.checkpoint.codec import INLINE_BUDGET
from kubernaut.graphs.checkpoint.errors import CheckpointError
from kubernaut.graphs.checkpoint.holders import Holder, HolderLocator
from kubernaut.graphs.checkpoint.remediation_locator import (
    CHECKPOINT_HOLDER,
    RemediationLocator,
    checkpoint_holder,
)
from kubernaut.graphs.checkpoint.saver import CrdCheckpointSaver, Projection

__all__ = [
    "CHECKPOINT_HOLDER",
    "INLINE_BUDGET",
    "CheckpointError",
    "CrdCheckpointSaver",
    "Holder",
    "HolderLocator",
    "Projection",
    "RemediationLocator",
    "checkpoint_holder",
]
