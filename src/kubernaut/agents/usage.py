"""The tokens a model reply cost, as the decision trail records them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from langchain_core.messages import BaseMessage

from kubernaut.core.usage import TokenUsage

ESTIMATED_KEY = "token_usage_estimated"
"""In a reply's ``response_metadata``: its token counts were estimated, not counted (the
rule-based model has no tokenizer)."""


def usage_of(message: BaseMessage) -> TokenUsage:
    """From the reply's ``usage_metadata``; zeros for a message that has none (a human or
    tool message, or a model that does not report usage)."""
    metadata = getattr(message, "usage_metadata", None) or {}
    return TokenUsage(
        prompt_tokens=int(metadata.get("input_tokens", 0)),
        completion_tokens=int(metadata.get("output_tokens", 0)),
    )


def usage_estimated(messages: Iterable[Any]) -> bool:
    """Whether any reply among ``messages`` had its tokens estimated."""
    return any(
        (getattr(message, "response_metadata", None) or {}).get(ESTIMATED_KEY)
        for message in messages
    )
