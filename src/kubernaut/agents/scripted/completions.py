"""A scripted reply in OpenAI's chat-completions wire format, whole or as stream chunks."""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kubernaut.agents.scripted.script import ScriptedReply

CHARS_PER_TOKEN = 4
ARGUMENT_PIECE_CHARS = 16
"""Tool-call arguments are streamed in pieces of this size, as real servers split them."""


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    arguments: str
    """JSON text, as the wire format carries it."""

    def wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": "function",
            "function": {"name": self.name, "arguments": self.arguments},
        }


@dataclass(frozen=True)
class Completion:
    id: str
    model: str
    created: int
    content: str | None
    tool_calls: list[ToolCall]
    prompt_tokens: int
    completion_tokens: int

    @classmethod
    def of(
        cls,
        reply: ScriptedReply,
        request: dict[str, Any],
        *,
        number: int,
        next_call_id: Callable[[], str],
    ) -> Completion:
        calls = [
            ToolCall(
                id=str(call.get("id") or next_call_id()),
                name=str(call["name"]),
                arguments=json.dumps(call.get("arguments") or {}),
            )
            for call in reply.tool_calls
        ]
        if reply.usage is not None:
            prompt_tokens, completion_tokens = reply.usage
        else:
            prompt_chars = len(json.dumps(request.get("messages", []))) + len(
                json.dumps(request.get("tools", []))
            )
            completion_chars = len(reply.content or "") + sum(
                len(call.name) + len(call.arguments) for call in calls
            )
            prompt_tokens = _tokens(prompt_chars)
            completion_tokens = _tokens(completion_chars)
        return cls(
            id=f"chatcmpl-scripted-{number}",
            model=str(request.get("model") or "scripted"),
            created=int(time.time()),
            content=reply.content,
            tool_calls=calls,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
        )

    @property
    def finish_reason(self) -> str:
        return "tool_calls" if self.tool_calls else "stop"

    @property
    def usage(self) -> dict[str, int]:
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.prompt_tokens + self.completion_tokens,
        }

    def body(self) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": self.content}
        if self.tool_calls:
            message["tool_calls"] = [call.wire() for call in self.tool_calls]
        return {
            "id": self.id,
            "object": "chat.completion",
            "created": self.created,
            "model": self.model,
            "choices": [{"index": 0, "message": message, "finish_reason": self.finish_reason}],
            "usage": self.usage,
        }

    def chunks(self, *, include_usage: bool) -> list[dict[str, Any]]:
        """The stream: the role, the text word by word, each tool call's name then its
        arguments in pieces, the finish reason, and the usage when asked for."""
        deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
        deltas += [{"content": word} for word in re.findall(r"\s*\S+\s*", self.content or "")]
        for index, call in enumerate(self.tool_calls):
            deltas.append(
                {
                    "tool_calls": [
                        {
                            "index": index,
                            "id": call.id,
                            "type": "function",
                            "function": {"name": call.name, "arguments": ""},
                        }
                    ]
                }
            )
            deltas += [
                {"tool_calls": [{"index": index, "function": {"arguments": piece}}]}
                for piece in _pieces(call.arguments, ARGUMENT_PIECE_CHARS)
            ]
        chunks = [
            self._chunk([{"index": 0, "delta": delta, "finish_reason": None}]) for delta in deltas
        ]
        chunks.append(self._chunk([{"index": 0, "delta": {}, "finish_reason": self.finish_reason}]))
        if include_usage:
            chunks.append({**self._chunk([]), "usage": self.usage})
        return chunks

    def _chunk(self, choices: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "choices": choices,
        }


def _tokens(chars: int) -> int:
    return max(1, math.ceil(chars / CHARS_PER_TOKEN))


def _pieces(text: str, size: int) -> list[str]:
    return [text[start : start + size] for start in range(0, len(text), size)]
