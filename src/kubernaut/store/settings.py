"""Where the database is: a URL, or the directory of the embedded server."""

from __future__ import annotations

from pathlib import Path

import platformdirs
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DATABASE_URL_ENV = "KUBERNAUT_DATABASE_URL"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("kubernaut"))


class StoreSettings(BaseSettings):
    """Read from ``KUBERNAUT_*`` environment variables when not given, e.g.
    ``KUBERNAUT_DATABASE_URL=postgresql://kubernaut:...@db:5432/kubernaut``."""

    model_config = SettingsConfigDict(env_prefix="KUBERNAUT_", extra="forbid")

    database_url: SecretStr | None = Field(
        default=None,
        description="A PostgreSQL server of your own. Unset: the embedded server in data_dir.",
    )
    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Where the embedded server keeps its data (in pgdata/).",
    )
    database_pool_min_size: int = Field(default=1, ge=0, description="Connections kept open.")
    database_pool_max_size: int = Field(default=10, ge=1, description="Connections at most.")
    database_connect_timeout: float = Field(
        default=10.0, gt=0, description="Seconds to wait for a connection."
    )

    @field_validator("database_url", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @model_validator(mode="after")
    def _pool_bounds(self) -> StoreSettings:
        if self.database_pool_min_size > self.database_pool_max_size:
            raise ValueError(
                f"database_pool_min_size ({self.database_pool_min_size}) is above "
                f"database_pool_max_size ({self.database_pool_max_size})"
            )
        return self
