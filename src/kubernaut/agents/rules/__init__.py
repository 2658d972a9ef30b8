"""The deterministic rule-based model: the demo's model, the eval baseline and the last
tier of every fallback chain. It talks through the same chat-model interface and tools
as an LLM, so the graph cannot tell them apart."""

from kubernaut.agents.rules.model import RulesChatModel

__all__ = ["RulesChatModel"]
