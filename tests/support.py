"""Helpers for tests: polling for a condition to become true."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any


def wait_for(condition: Callable[[], Any], timeout: float = 20.0, interval: float = 0.05) -> Any:
    """Poll until ``condition()`` is truthy; fail with its last value otherwise."""
    deadline = time.monotonic() + timeout
    value = condition()
    while not value:
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last value: {value!r})")
        time.sleep(interval)
        value = condition()
    return value


def status_message(error: Any) -> str:
    """The ``message`` of the Kubernetes ``Status`` body of an ``ApiException``."""
    message: str = json.loads(error.body)["message"]
    return message
