"""Gateway settings: flags of ``kubernaut serve gateway``, else ``KUBERNAUT_*`` environment
variables, else these defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from kubernaut.core.classification import Environment

DEFAULT_STORM_THRESHOLDS: dict[str, int] = {
    Environment.PRODUCTION: 5,
    Environment.STAGING: 8,
    Environment.DEVELOPMENT: 10,
    Environment.UNKNOWN: 10,
}
SNS_CERT_URL_PATTERN = r"^https://sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/"


class GatewaySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KUBERNAUT_", extra="ignore")

    namespace: str = Field(
        default="kubernaut-system",
        description="Where RemediationRequests live. It must exist: /readyz fails until it does.",
    )
    kubeconfig: Path | None = Field(
        default=None, description="Cluster to use; none: $KUBECONFIG, ~/.kube/config, in-cluster."
    )
    kube_context: str | None = None
    redis_url: str | None = Field(
        default=None,
        description="redis://host:port/db for deduplication and storm windows shared by every "
        "replica; none: an in-process store (run one replica only).",
    )
    redis_key_prefix: str = "kubernaut:gateway:"
    redis_timeout: float = Field(default=0.5, gt=0, description="Seconds per Redis command.")
    redis_retry_after: float = Field(
        default=2.0, ge=0, description="Seconds Redis is left alone after it failed."
    )
    gateway_host: str = "0.0.0.0"
    gateway_port: int = Field(default=8080, ge=0, le=65535)
    gateway_tokens: Annotated[list[str], NoDecode] = Field(
        default_factory=list, repr=False, description="Accepted bearer tokens, comma-separated."
    )
    gateway_token_file: Path | None = Field(
        default=None, description="A file of accepted bearer tokens, one a line."
    )
    gateway_token_secret: str | None = Field(
        default=None,
        description="A Secret in the namespace whose every data value is an accepted token.",
    )
    gateway_token_review: bool = Field(
        default=False,
        description="Also accept tokens the API server authenticates (TokenReview), e.g. "
        "service-account tokens.",
    )
    auth_cache_seconds: float = Field(default=30.0, ge=0)
    dedup_ttl_seconds: int = Field(
        default=3600, ge=1, description="How long the fast path remembers a fingerprint."
    )
    storm_window_seconds: int = Field(default=60, ge=1)
    storm_thresholds: dict[str, int] = Field(
        default_factory=lambda: dict(DEFAULT_STORM_THRESHOLDS),
        description="Per environment: more distinct targets than this with one signal name "
        'within the window is a storm (JSON, e.g. {"production": 5}).',
    )
    watch_events: bool = Field(
        default=False,
        description="Also watch the cluster's Warning Events and take each in as a signal.",
    )
    watch_namespace: str | None = Field(
        default=None, description="With watch_events: only this namespace (default: all)."
    )
    escalation_webhook: str | None = Field(
        default=None,
        description="A URL that gets a JSON POST for every escalation (storms, here).",
    )
    scope_label: str = Field(
        default="kubernaut.io/managed",
        description="The opt-in label (value true) on a target or its namespace.",
    )
    scope_opt_in: bool = Field(
        default=True, description="false: every namespace is in scope unless labelled false."
    )
    rate_limit_per_second: float = Field(
        default=100.0, gt=0, description="Sustained requests per second per source and caller."
    )
    rate_limit_burst: int = Field(default=200, ge=1)
    max_body_bytes: int = Field(default=256 * 1024, ge=1024)
    kube_cache_seconds: float = Field(
        default=30.0, ge=0, description="How long owners and namespace labels are cached."
    )
    sns_cert_url_pattern: str = Field(
        default=SNS_CERT_URL_PATTERN,
        description="Signing certificates and subscribe URLs are fetched only from URLs "
        "matching this regular expression.",
    )
    sns_confirm_subscriptions: bool = Field(
        default=True, description="Confirm SNS subscriptions by visiting their SubscribeURL."
    )

    @field_validator("gateway_tokens", mode="before")
    @classmethod
    def _split_tokens(cls, value: object) -> object:
        if isinstance(value, str):
            return [token.strip() for token in value.split(",") if token.strip()]
        return value

    def storm_threshold(self, environment: str) -> int:
        return self.storm_thresholds.get(
            environment, self.storm_thresholds.get(Environment.UNKNOWN, 10)
        )
