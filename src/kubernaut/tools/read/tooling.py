"""What every read tool shares: the context it runs in, turning cluster problems into
``error:`` outputs the model can react to, framing, and fitting lists to the budget
by dropping their oldest entries."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from langchain_core.tools import BaseTool, StructuredTool
from pydantic import BaseModel

from kubernaut.kube import KubeApiError, KubeClient, KubeError
from kubernaut.tools.read.fetch import get_object, list_objects
from kubernaut.tools.read.kinds import Kind, KindResolver, UnknownKind
from kubernaut.tools.untrusted import fits, frame

Args = TypeVar("Args", bound=BaseModel)

SECRET_REFUSAL = (
    "Secret contents are never read by these tools. Look at what references the Secret "
    "instead (describe the pod or workload: env and volumes name the Secret and key), and "
    "at the events of the pods that use it."
)


class ToolProblem(Exception):
    """A problem with the request the model can fix or learn from (a missing object, an
    argument that makes no sense); the tool answers ``error: <message>``."""


@dataclass(frozen=True)
class ReadContext:
    client: KubeClient
    kinds: KindResolver
    budget_tokens: int

    async def kind(self, argument: str) -> Kind:
        """The kind ``argument`` names; Secrets are refused before any request is sent."""
        kind = await self.kinds.resolve(argument)
        if kind.is_secret:
            raise ToolProblem(SECRET_REFUSAL)
        return kind

    async def find(self, kind: Kind, namespace: str | None, name: str) -> dict[str, Any]:
        """The object, searched in every namespace when a namespaced kind comes without
        one. Raises :class:`ToolProblem` when it is missing or the name is ambiguous."""
        if not kind.namespaced or namespace:
            found = await get_object(self.client, kind, namespace, name)
            if found is None:
                raise not_found(kind.kind, namespace if kind.namespaced else None, name)
            return found
        matches = await list_objects(
            self.client, kind, None, field_selector=f"metadata.name={name}", limit=10
        )
        if not matches:
            raise not_found(kind.kind, None, f"{name} (in any namespace)")
        if len(matches) > 1:
            where = ", ".join(sorted(str(m["metadata"].get("namespace")) for m in matches))
            raise ToolProblem(
                f"{kind.kind} {name} exists in several namespaces ({where}): give one"
            )
        return matches[0]


@dataclass(frozen=True)
class ReadToolSpec(Generic[Args]):
    name: str
    description: str
    args_schema: type[Args]
    run: Callable[[ReadContext, Args], Awaitable[Any]]
    """Returns plain data for the YAML body."""


def build_tool(context: ReadContext, spec: ReadToolSpec[Any]) -> BaseTool:
    async def invoke(**arguments: Any) -> str:
        body = await answer(context, spec, spec.args_schema.model_validate(arguments))
        return frame(spec.name, body, context.budget_tokens)

    return StructuredTool.from_function(
        coroutine=invoke, name=spec.name, description=spec.description, args_schema=spec.args_schema
    )


async def answer(context: ReadContext, spec: ReadToolSpec[Args], arguments: Args) -> Any:
    """The tool's data, or ``{"error": ...}`` saying what went wrong."""
    try:
        return await spec.run(context, arguments)
    except (ToolProblem, UnknownKind) as problem:
        return {"error": str(problem)}
    except KubeApiError as error:
        return {"error": api_error_text(error)}
    except KubeError as error:
        return {"error": f"the cluster could not be read: {error}"}


def api_error_text(error: KubeApiError) -> str:
    if error.status == 403:
        return (
            f"access denied ({error.message or error.reason}): Kubernaut's identity may not "
            "read this; try another tool or ask for read access to be granted"
        )
    if error.status == 404:
        return f"not found: {error.message or error.path}"
    return f"the API server answered {error.status} {error.reason}: {error.message}"


def not_found(what: str, namespace: str | None, name: str) -> ToolProblem:
    where = f"{namespace}/" if namespace else ""
    return ToolProblem(f"{what} {where}{name} not found (get_resources lists what exists)")


def keep_newest(tool: str, data: dict[str, Any], key: str, budget_tokens: int) -> dict[str, Any]:
    """``data`` with the oldest entries of the list ``data[key]`` dropped until the framed
    output fits the budget (noting how many under ``omitted_older``), so that the most
    recent lines and events survive rather than being cut from the end."""
    entries = list(data.get(key) or [])
    if not entries or fits(tool, data, budget_tokens):
        return data

    def trimmed(dropped: int) -> dict[str, Any]:
        shown = {name: value for name, value in data.items() if name != key}
        shown["omitted_older"] = dropped
        shown[key] = entries[dropped:]
        return shown

    low, high = 1, len(entries)
    while low < high:
        middle = (low + high) // 2
        if fits(tool, trimmed(middle), budget_tokens):
            high = middle
        else:
            low = middle + 1
    return trimmed(low)
