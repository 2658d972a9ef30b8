"""The readable part of AIAnalysis / WorkflowExecution status, computed from each
checkpoint's state and written in the same patch as the checkpoint itself: the
decision trail of the object's own nodes (with their tool calls), and for the analysis
the root cause, the action, the confidence, the validation and the tokens spent."""

from __future__ import annotations

from typing import Any

import orjson

from kubernaut.agents.models import MODEL_METADATA_KEY
from kubernaut.agents.usage import usage_estimated
from kubernaut.crds import AIAnalysis, WorkflowExecution
from kubernaut.crds.ai_analysis import (
    ActionStatus,
    CheckStatus,
    RootCauseStatus,
    ValidationStatus,
)
from kubernaut.crds.graph_status import TokenUsage, ToolCallRecord, TrailEntry
from kubernaut.crds.workflow_execution import VerificationStatus

ANALYSIS_NODES = ("investigate", "recommend", "validate", "approve")
WORKFLOW_NODES = ("execute", "verify")
NODES_OF = {AIAnalysis.KIND: ANALYSIS_NODES, WorkflowExecution.KIND: WORKFLOW_NODES}
SUMMARY_CHARS = 600
ARGUMENT_CHARS = 160

Obj = dict[str, Any]


def remediation_projection(kind: str, values: Obj) -> Obj:
    """Status fields (camelCase) of a ``kind`` object for the graph state ``values``."""
    nodes = NODES_OF.get(kind, ())
    projected: Obj = {"trail": [entry.wire() for entry in _trail(values, nodes)]}
    if kind == AIAnalysis.KIND:
        projected |= _analysis(values)
    elif kind == WorkflowExecution.KIND:
        projected |= _workflow(values)
    return projected


def _trail(values: Obj, nodes: tuple[str, ...]) -> list[TrailEntry]:
    calls: dict[str, list[ToolCallRecord]] = {}
    for call in values.get("tool_calls") or []:
        calls.setdefault(call.get("node", ""), []).append(
            ToolCallRecord(
                tool=call.get("tool", ""),
                arguments=_short(orjson.dumps(call.get("arguments") or {}).decode()),
                ok=bool(call.get("ok", True)),
                output_chars=int(call.get("output_chars", 0)),
            )
        )
    entries: list[TrailEntry] = []
    for entry in values.get("trail") or []:
        node = entry.get("node", "")
        if node not in nodes:
            continue
        entries.append(
            TrailEntry(
                node=node,
                started=entry["started"],
                ended=entry["ended"],
                summary=_short(entry.get("summary", ""), SUMMARY_CHARS),
                decision=_short(entry.get("decision", ""), SUMMARY_CHARS),
                tool_calls=calls.pop(node, None),
            )
        )
    return entries


def _analysis(values: Obj) -> Obj:
    out: Obj = {}
    recommendation = values.get("recommendation")
    if recommendation:
        cause = recommendation["root_cause"]
        out["rootCause"] = RootCauseStatus(
            category=cause["category"],
            summary=_short(cause.get("summary", ""), SUMMARY_CHARS),
            evidence=[_short(item, 300) for item in (cause.get("evidence") or [])[:8]],
            target=cause.get("target"),
        ).wire()
        out["action"] = _action(recommendation["action"]).wire()
        out["alternatives"] = [_action(a).wire() for a in recommendation.get("alternatives") or []]
        out["confidence"] = recommendation.get("confidence")
    validation = values.get("validation")
    if validation:
        decision = validation["decision"]
        out["validation"] = ValidationStatus(
            verdict=decision["verdict"],
            checks=[
                CheckStatus(name=c["name"], verdict=c["verdict"], detail=_short(c["detail"], 300))
                for c in decision.get("checks") or []
            ],
        ).wire()
    usage = values.get("usage") or {}
    messages = values.get("messages") or []
    out["usage"] = TokenUsage(
        prompt_tokens=usage.get("prompt_tokens", 0),
        completion_tokens=usage.get("completion_tokens", 0),
        estimated=usage_estimated(messages),
    ).wire()
    model = next(
        (
            str(_metadata(m)[MODEL_METADATA_KEY])
            for m in reversed(messages)
            if MODEL_METADATA_KEY in _metadata(m)
        ),
        "",
    )
    if model:
        out["model"] = model
    return out


def _workflow(values: Obj) -> Obj:
    verification = values.get("verification")
    if not verification:
        return {}
    return {
        "verification": VerificationStatus(
            healthy=verification["healthy"],
            score_before=verification["score_before"],
            score_after=verification["score_after"],
            problems=[_short(p, 300) for p in verification.get("problems") or []][:10],
        ).wire()
    }


def _action(action: Obj) -> ActionStatus:
    return ActionStatus(
        name=action["action"],
        target=action.get("target"),
        parameters=action.get("parameters") or {},
        rationale=_short(action.get("rationale", ""), SUMMARY_CHARS),
    )


def _metadata(message: Any) -> Obj:
    metadata: Obj = getattr(message, "response_metadata", None) or {}
    return metadata


def _short(text: str, limit: int = ARGUMENT_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
