"""The langchain chat model for every litellm model: ``ChatLiteLLM`` with our retries.

``ChatLiteLLM`` retries with tenacity at a fixed pace (at least four seconds between
tries, whatever the server says), and the provider SDKs litellm calls retry on their
own as well. Here only one layer retries: the SDK's retries are turned off, and each
request is retried on 429, 5xx, timeouts and connection errors with the back-off of
:mod:`kubernaut.agents.backoff`, which honours ``Retry-After``. A request that still
fails raises :class:`ModelCallError` saying what to do.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import time
from typing import Any

import litellm
import openai
from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_litellm import ChatLiteLLM
from pydantic import Field

from kubernaut.agents.backoff import Backoff, is_retryable, status_of
from kubernaut.agents.errors import ModelCallError

logger = logging.getLogger(__name__)

litellm.suppress_debug_info = True
"""litellm otherwise prints a "Give Feedback / Get Help" banner on stdout at every error."""

STATUS_HINTS = {
    400: "the provider refused the request as malformed; check the model name and settings",
    401: "check the API key (KUBERNAUT_MODEL_API_KEY, or the provider's own variable "
    "such as OPENAI_API_KEY or ANTHROPIC_API_KEY)",
    403: "the API key is not allowed to use this model",
    404: "check the model name, and KUBERNAUT_MODEL_API_BASE if it is set",
}


class LiteLLMChatModel(ChatLiteLLM):
    """``model`` is the litellm model string; ``max_retries`` counts retries after the
    first try; ``backoff_base`` is the first wait in seconds."""

    backoff_base: float = 1.0
    rng: random.Random = Field(default_factory=random.Random, exclude=True)

    def completion_with_retry(
        self, run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any
    ) -> Any:
        backoff = Backoff(self.backoff_base, self.rng)
        for attempt in range(self.max_retries + 1):
            try:
                return self.client.completion(**kwargs, max_retries=0)
            except openai.OpenAIError as error:
                time.sleep(self._wait_or_raise(error, attempt, backoff))
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def acompletion_with_retry(
        self, run_manager: AsyncCallbackManagerForLLMRun | None = None, **kwargs: Any
    ) -> Any:
        backoff = Backoff(self.backoff_base, self.rng)
        for attempt in range(self.max_retries + 1):
            try:
                return await self.client.acompletion(**kwargs, max_retries=0)
            except openai.OpenAIError as error:
                await asyncio.sleep(self._wait_or_raise(error, attempt, backoff))
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _wait_or_raise(self, error: openai.OpenAIError, attempt: int, backoff: Backoff) -> float:
        """How long to wait before retrying after ``error``; raises when not to retry."""
        status = status_of(error)
        attempts = attempt + 1
        if not is_retryable(error):
            hint = STATUS_HINTS.get(status or 0, "the provider's message says why")
            raise ModelCallError(
                f"{self.model} refused the request ({_describe(error)}): {hint}",
                spec=self.model,
                status=status,
                attempts=attempts,
            ) from error
        if attempt >= self.max_retries:
            raise ModelCallError(
                f"{self.model} did not answer after {attempts} attempt(s) (the last failed "
                f"with {_describe(error)}): check that the endpoint is up and reachable, or "
                "raise KUBERNAUT_MODEL_MAX_RETRIES or KUBERNAUT_MODEL_TIMEOUT",
                spec=self.model,
                status=status,
                attempts=attempts,
            ) from error
        wait = backoff.delay(attempt, error)
        logger.warning(
            "%s: attempt %d of %d failed (%s); retrying in %.2f s",
            self.model,
            attempts,
            self.max_retries + 1,
            _describe(error),
            wait,
        )
        return wait


LITELLM_PREFIX = re.compile(r"^litellm\.\w+:\s*(\w+(:| -)\s*)?(\w+Exception - )?")
"""What litellm puts before a provider's message: ``litellm.RateLimitError: RateLimitError:
OpenAIException - ``."""


def _describe(error: openai.OpenAIError) -> str:
    """``429 Too Many Requests`` rather than litellm's long-winded form."""
    message = LITELLM_PREFIX.sub("", str(error)).strip().rstrip(".")
    if isinstance(error, openai.APITimeoutError):
        return f"a timeout ({message})"
    status = status_of(error)
    return f"{status} {message}" if status is not None else message
