"""PostgreSQL: the blobs the checkpointer keeps out of etcd, the remediation history the
safety checks read, and the audit log. A server of your own (``KUBERNAUT_DATABASE_URL``)
or, by default, a private embedded one (docs/store.md)."""

from kubernaut.store.audit import AuditEntry, AuditLog
from kubernaut.store.blobs import BlobStore
from kubernaut.store.database import Database
from kubernaut.store.errors import BlobNotFound, DatabaseUnavailable, StoreError
from kubernaut.store.history import PostgresHistory
from kubernaut.store.settings import StoreSettings

__all__ = [
    "AuditEntry",
    "AuditLog",
    "BlobNotFound",
    "BlobStore",
    "Database",
    "DatabaseUnavailable",
    "PostgresHistory",
    "StoreError",
    "StoreSettings",
]
