"""What the rule-based model knows: the signal from the prompt, and every tool output in
the conversation, read back from its untrusted-data frame."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from kubernaut.core.resources import ResourceRef
from kubernaut.tools.untrusted import unframe

_SIGNAL = re.compile(r"<signal>\n(?P<body>.*?)</signal>", re.DOTALL)
_JSON_OBJECT = re.compile(r"\{.*\}", re.DOTALL)


@dataclass(frozen=True)
class ToolOutput:
    tool: str
    arguments: dict[str, Any]
    data: Any
    text: str


@dataclass
class Evidence:
    signal: dict[str, Any] = field(default_factory=dict)
    outputs: list[ToolOutput] = field(default_factory=list)
    proposed: list[str] = field(default_factory=list)
    """Actions already recommended in this conversation (``action kind/namespace/name``)."""

    @property
    def target(self) -> ResourceRef | None:
        target = self.signal.get("target")
        return ResourceRef.model_validate(target) if isinstance(target, dict) else None

    @property
    def signal_name(self) -> str:
        return str(self.signal.get("name", ""))

    def text(self, *tools: str) -> str:
        """All outputs (of ``tools``, when given) as one text, for keyword rules."""
        return "\n".join(o.text for o in self.outputs if not tools or o.tool in tools)

    def mentions(self, *needles: str, tools: Sequence[str] = ()) -> bool:
        haystack = self.text(*tools).lower()
        return any(needle.lower() in haystack for needle in needles)

    def data(self, tool: str) -> Iterator[Any]:
        for output in self.outputs:
            if output.tool == tool and output.data is not None:
                yield output.data


def gather(messages: Sequence[BaseMessage]) -> Evidence:
    evidence = Evidence()
    arguments: dict[str, dict[str, Any]] = {}
    for message in messages:
        if isinstance(message, HumanMessage) and not evidence.signal:
            found = _SIGNAL.search(str(message.content))
            if found:
                loaded = yaml.safe_load(found["body"])
                evidence.signal = loaded if isinstance(loaded, dict) else {}
        elif isinstance(message, AIMessage):
            for call in message.tool_calls:
                arguments[call["id"] or ""] = dict(call["args"])
            proposal = _proposal(str(message.content))
            if proposal:
                evidence.proposed.append(proposal)
        elif isinstance(message, ToolMessage):
            text = str(message.content)
            framed = unframe(text)
            tool, data = framed if framed else (str(message.name or ""), None)
            evidence.outputs.append(
                ToolOutput(tool, arguments.get(message.tool_call_id, {}), data, text)
            )
    return evidence


def proposal_key(action: str, target: ResourceRef) -> str:
    return f"{action} {target.kind}/{target.namespace}/{target.name}"


def _proposal(content: str) -> str | None:
    """The action of an earlier recommendation this model gave, if ``content`` is one."""
    found = _JSON_OBJECT.search(content)
    if not found:
        return None
    try:
        loaded = yaml.safe_load(found.group(0))
        action = loaded["action"]
        return proposal_key(action["action"], ResourceRef.model_validate(action["target"]))
    except (yaml.YAMLError, KeyError, TypeError, ValueError):
        return None
