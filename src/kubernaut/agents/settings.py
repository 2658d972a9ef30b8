"""How litellm-backed chat models are called: timeouts, retries, endpoint, sampling."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ModelSettings(BaseSettings):
    """Read from ``KUBERNAUT_MODEL_*`` environment variables when not given, e.g.
    ``KUBERNAUT_MODEL_API_BASE=http://vllm:8000/v1``. They apply to every litellm tier of
    a chain; the rule-based model ignores them."""

    model_config = SettingsConfigDict(env_prefix="KUBERNAUT_MODEL_", extra="forbid")

    timeout: float = Field(default=60.0, gt=0, description="Seconds per request.")
    max_retries: int = Field(
        default=3,
        ge=0,
        description="Retries after a 429, a 5xx, a timeout or a connection error.",
    )
    backoff_base: float = Field(
        default=1.0,
        ge=0,
        description="Seconds before the first retry; doubled at each retry, with jitter. "
        "A longer Retry-After from the server wins.",
    )
    api_base: str | None = Field(
        default=None,
        description="An OpenAI-compatible endpoint (vLLM, Ollama, a LiteLLM proxy), "
        "used with an openai/<model> spec.",
    )
    api_key: str | None = Field(
        default=None, repr=False, description="Else litellm reads the provider's variable."
    )
    temperature: float = Field(default=0.0, ge=0, le=2)
