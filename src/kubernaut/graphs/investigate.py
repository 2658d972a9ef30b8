"""investigate: the model reads the cluster with read-only tools, in a bounded loop."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

import yaml
from langchain_core.messages import AIMessage, AnyMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.tools import BaseTool
from pydantic import ValidationError

from kubernaut.agents.prompts import render_prompt
from kubernaut.agents.usage import usage_of
from kubernaut.core.outcome import Outcome
from kubernaut.core.signal import Signal
from kubernaut.core.usage import TokenUsage, ToolCallRecord
from kubernaut.graphs.deps import RemediationDeps
from kubernaut.graphs.state import RemediationState
from kubernaut.graphs.trail import trail_entry
from kubernaut.tools.health import assess_target

NODE = "investigate"


async def investigate(state: RemediationState, deps: RemediationDeps) -> dict[str, Any]:
    started = deps.clock()
    signal = Signal.model_validate(state["signal"])
    health: dict[str, Any] = {}
    if signal.target is not None:
        assessed = await assess_target(deps.client, signal.target, now=started)
        health = assessed.model_dump(mode="json")
    messages: list[AnyMessage] = [
        SystemMessage(render_prompt("system.md")),
        HumanMessage(
            render_prompt(
                "investigate.md",
                signal=_signal_yaml(signal),
                health=yaml.safe_dump(health, sort_keys=False) if health else "",
                tools=[tool.name for tool in deps.tools],
            )
        ),
    ]
    new_messages = list(messages)
    model = deps.models.bind_tools(deps.tools)
    by_name = {tool.name: tool for tool in deps.tools}
    settings = deps.settings
    usage = TokenUsage()
    records: list[ToolCallRecord] = []
    stop_reason = "the model finished"
    for _ in range(settings.max_tool_rounds):
        try:
            reply = await model.ainvoke(messages)
        except Exception as error:  # every tier failed: a person must take over
            return _model_failed(started, deps, new_messages, usage, records, error)
        usage += usage_of(reply)
        messages.append(reply)  # type: ignore[arg-type]
        new_messages.append(reply)  # type: ignore[arg-type]
        calls = reply.tool_calls if isinstance(reply, AIMessage) else []
        if not calls:
            break
        for call in calls:
            if len(records) >= settings.max_tool_calls:
                answer = ToolMessage(
                    "error: the tool-call budget of this investigation is spent; "
                    "conclude from what you have",
                    tool_call_id=call["id"] or "",
                )
                records.append(_refused(call, answer))
            else:
                answer, record = await _run_tool(by_name, call)
                records.append(record)
            messages.append(answer)
            new_messages.append(answer)
        if usage.prompt_tokens >= settings.investigation_token_budget:
            stop_reason = f"the token budget ({settings.investigation_token_budget}) is spent"
            break
    else:
        stop_reason = f"the limit of {settings.max_tool_rounds} model turns was reached"
    summary = f"{len(records)} tool call(s); {stop_reason}"
    if health:
        summary += f"; target health before: {health.get('score', 0):.2f}"
    return {
        "messages": new_messages,
        "health_before": health,
        "usage": usage.model_dump(),
        "tool_calls": [record.model_dump(mode="json") for record in records],
        "trail": [trail_entry(NODE, started, deps.clock(), summary)],
    }


def _model_failed(
    started: datetime,
    deps: RemediationDeps,
    messages: list[AnyMessage],
    usage: TokenUsage,
    records: list[ToolCallRecord],
    error: Exception,
) -> dict[str, Any]:
    reason = f"the model failed during investigation: {type(error).__name__}: {error}"
    return {
        "messages": messages,
        "usage": usage.model_dump(),
        "tool_calls": [record.model_dump(mode="json") for record in records],
        "outcome": Outcome.MANUAL_REVIEW_REQUIRED.value,
        "reason": reason,
        "trail": [trail_entry(NODE, started, deps.clock(), reason, "model unavailable")],
    }


async def _run_tool(by_name: dict[str, BaseTool], call: Any) -> tuple[ToolMessage, ToolCallRecord]:
    name, arguments, call_id = call["name"], dict(call.get("args") or {}), call["id"] or ""
    tool = by_name.get(name)
    began = time.perf_counter()
    ok = True
    if tool is None:
        ok = False
        output = f"error: there is no tool named {name!r}; the tools are {', '.join(by_name)}"
    else:
        try:
            output = str(await tool.ainvoke(arguments))
        except (ValidationError, ValueError, TypeError) as error:
            ok = False
            output = f"error: bad arguments for {name}: {error}"
    record = ToolCallRecord(
        node=NODE,
        tool=name,
        arguments=arguments,
        ok=ok,
        output_chars=len(output),
        duration_ms=round((time.perf_counter() - began) * 1000, 3),
    )
    return ToolMessage(output, tool_call_id=call_id, name=name), record


def _refused(call: Any, answer: ToolMessage) -> ToolCallRecord:
    """A call the budget refused is recorded too: the model asked for it."""
    return ToolCallRecord(
        node=NODE,
        tool=call["name"],
        arguments=dict(call.get("args") or {}),
        ok=False,
        output_chars=len(str(answer.content)),
    )


def _signal_yaml(signal: Signal) -> str:
    shown = signal.model_dump(mode="json", exclude={"raw"}, exclude_defaults=True)
    return yaml.safe_dump(shown, sort_keys=False)
