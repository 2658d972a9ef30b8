"""When to retry a model request, and how long to wait first.

Retried: 408, 409, 429 and 5xx answers, timeouts and connection errors. The wait
doubles at each retry from ``base`` with jitter (so that clients rejected together do
not come back together), and is never shorter than the server's ``Retry-After``.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import openai

MAX_WAIT = 60.0
"""No single wait is longer, whatever the server asks for."""

RETRYABLE_STATUSES = frozenset({408, 409, 429})


def is_retryable(error: BaseException) -> bool:
    if isinstance(error, openai.APITimeoutError | openai.APIConnectionError):
        return True
    status = status_of(error)
    return status is not None and (status in RETRYABLE_STATUSES or status >= 500)


def status_of(error: BaseException) -> int | None:
    status = getattr(error, "status_code", None)
    return status if isinstance(status, int) else None


def retry_after(error: BaseException) -> float | None:
    """Seconds the server asked to wait: ``retry-after-ms``, else ``Retry-After`` (in
    seconds or as an HTTP date)."""
    headers = _headers_of(error)
    if headers is None:
        return None
    milliseconds = _number(headers.get("retry-after-ms"))
    if milliseconds is not None:
        return milliseconds / 1000
    value = headers.get("retry-after")
    seconds = _number(value)
    if seconds is not None or value is None:
        return seconds
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


@dataclass
class Backoff:
    base: float
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, retry: int, error: BaseException) -> float:
        """Seconds to wait before retry number ``retry`` (0 for the first)."""
        doubled = self.base * 2.0**retry
        jittered = doubled / 2 + self.rng.uniform(0, doubled / 2)
        asked = retry_after(error) or 0.0
        return min(MAX_WAIT, max(jittered, asked))


def _headers_of(error: BaseException) -> Mapping[str, Any] | None:
    """litellm keeps the answer's headers in ``litellm_response_headers``; the OpenAI SDK
    on its ``response``."""
    headers = getattr(error, "litellm_response_headers", None)
    if headers is None:
        response = getattr(error, "response", None)
        headers = getattr(response, "headers", None)
    if headers is None:
        return None
    return {str(key).lower(): value for key, value in dict(headers).items()}


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None
