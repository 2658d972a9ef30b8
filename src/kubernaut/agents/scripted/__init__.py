"""A scripted OpenAI-compatible chat-completions server, for tests and benchmarks.

It answers ``POST /v1/chat/completions`` (plain and streaming) from a script of
replies and errors, so that code which talks to an LLM through litellm can be
exercised over real HTTP without a model::

    with ScriptedChatServer([ScriptedReply(content="hello")]) as server:
        model = build_chat_model(
            "openai/scripted", ModelSettings(api_base=server.base_url, api_key="test")
        )
"""

from kubernaut.agents.scripted.script import Responder, ScriptedError, ScriptedReply
from kubernaut.agents.scripted.server import ScriptedChatServer

__all__ = ["Responder", "ScriptedChatServer", "ScriptedError", "ScriptedReply"]
