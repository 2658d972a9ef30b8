"""What can go wrong with the database, each saying what to do about it."""

from __future__ import annotations


class StoreError(Exception):
    """The database cannot be used as Kubernaut needs it."""


class DatabaseUnavailable(StoreError):
    """No connection: the server is unreachable, refuses us, or did not start."""


class BlobNotFound(StoreError):
    """A blob reference that the database does not hold (for that thread)."""
