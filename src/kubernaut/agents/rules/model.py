"""``RulesChatModel``: a langchain chat model whose replies come from rules, not a network.

With tools bound it investigates: it calls the read tools in rounds (see
:mod:`investigation`) and then says it is done. Without tools it answers the recommend
prompt with a JSON Recommendation (see :mod:`diagnosis`); when earlier recommendations
in the conversation were denied, it proposes the next candidate instead. Token counts
are estimates (characters / 4), marked as such in the response metadata.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool

from kubernaut.agents.rules.diagnosis import Candidate, diagnose
from kubernaut.agents.rules.evidence import Evidence, gather, proposal_key
from kubernaut.agents.rules.investigation import next_calls
from kubernaut.agents.usage import ESTIMATED_KEY
from kubernaut.core.recommendation import ProposedAction, Recommendation, RootCause

MODEL_NAME = "rules"
CHARS_PER_TOKEN = 4


class RulesChatModel(BaseChatModel):
    @property
    def _llm_type(self) -> str:
        return "kubernaut-rules"

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        names = [tool.name if isinstance(tool, BaseTool) else str(tool) for tool in tools]
        return self.bind(tools=names, **kwargs)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        evidence = gather(messages)
        if kwargs.get("tools"):
            reply = self._investigate(messages, evidence, set(kwargs["tools"]))
        else:
            reply = AIMessage(content=self._recommend(evidence))
        prompt = sum(len(str(m.content)) for m in messages) // CHARS_PER_TOKEN
        completion = (
            len(str(reply.content)) + len(json.dumps(reply.tool_calls))
        ) // CHARS_PER_TOKEN
        reply.usage_metadata = {
            "input_tokens": prompt,
            "output_tokens": completion,
            "total_tokens": prompt + completion,
        }
        reply.response_metadata = {"model_name": MODEL_NAME, ESTIMATED_KEY: True}
        return ChatResult(generations=[ChatGeneration(message=reply)])

    def _investigate(
        self, messages: list[BaseMessage], evidence: Evidence, tools: set[str]
    ) -> AIMessage:
        rounds = _rounds_since_prompt(messages)
        calls = [call for call in next_calls(evidence) if call["name"] in tools]
        if not calls:
            found = diagnose(evidence)
            return AIMessage(content=f"Investigation complete. Findings: {found.summary}")
        return AIMessage(
            content="",
            tool_calls=[
                {"name": call["name"], "args": call["args"], "id": f"rules-{rounds}-{index}"}
                for index, call in enumerate(calls)
            ],
        )

    def _recommend(self, evidence: Evidence) -> str:
        candidate = diagnose(evidence)
        options = [*candidate.actions, *candidate.alternatives]
        fresh = [a for a in options if proposal_key(a.action, a.target) not in evidence.proposed]
        if not fresh:
            fresh = [candidate.alternatives[-1] if candidate.alternatives else options[-1]]
        chosen, rest = fresh[0], fresh[1:]
        demoted = chosen not in candidate.actions
        return _recommendation(candidate, chosen, rest, demoted).model_dump_json(indent=1)


def _recommendation(
    candidate: Candidate, chosen: ProposedAction, rest: list[ProposedAction], demoted: bool
) -> Recommendation:
    return Recommendation(
        root_cause=RootCause(
            category=candidate.category,
            summary=candidate.summary,
            evidence=candidate.evidence,
            target=candidate.target,
        ),
        action=chosen,
        confidence=min(candidate.confidence, 0.5) if demoted else candidate.confidence,
        alternatives=rest,
    )


def _rounds_since_prompt(messages: list[BaseMessage]) -> int:
    """Tool-calling turns this model took since the last prompt from the graph."""
    rounds = 0
    for message in reversed(messages):
        if isinstance(message, HumanMessage):
            break
        if isinstance(message, AIMessage) and message.tool_calls:
            rounds += 1
    return rounds
