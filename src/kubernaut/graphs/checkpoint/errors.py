"""What stops the CRD checkpointer, saying which object and what to do."""

from __future__ import annotations


class CheckpointError(Exception):
    """A checkpoint could not be written or read where the locator said it lives."""
