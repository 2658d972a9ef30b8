"""The tokens a model reply cost, as the decision trail records them."""

from __future__ import annotations

from langchain_core.messages import BaseMessage

from kubernaut.core.usage import TokenUsage


def usage_of(message: BaseMessage) -> TokenUsage:
    """From the reply's ``usage_metadata``; zeros for a message that has none (a human or
    tool message, or a model that does not report usage)."""
    metadata = getattr(message, "usage_metadata", None) or {}
    return TokenUsage(
        prompt_tokens=int(metadata.get("input_tokens", 0)),
        completion_tokens=int(metadata.get("output_tokens", 0)),
    )
