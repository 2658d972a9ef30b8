"""Read-only tools for the investigate step: what an SRE looks at with kubectl, as
LangChain tools a model calls.

Every tool answers a string framed as untrusted data (see
:mod:`kubernaut.tools.untrusted`) with a YAML body, cut to ``output_tokens``. Cluster
problems (a missing object, a refused request) become ``error: ...`` answers rather
than exceptions, so the model can react. Secrets are never read, and credentials in
logs and environment values are redacted (:mod:`kubernaut.tools.redaction`).
"""

from __future__ import annotations

from langchain_core.tools import BaseTool

from kubernaut.kube import KubeClient
from kubernaut.tools.read import describe, events, get, logs, related, rollout, top
from kubernaut.tools.read.kinds import KindResolver
from kubernaut.tools.read.tooling import ReadContext, build_tool

_SPECS = (
    get.SPEC,
    describe.SPEC,
    logs.SPEC,
    events.SPEC,
    rollout.SPEC,
    related.SPEC,
    top.SPEC,
)

READ_TOOL_NAMES: tuple[str, ...] = tuple(spec.name for spec in _SPECS)
"""get_resources, describe, pod_logs, events, rollout_history, related_objects, top."""


def build_read_tools(client: KubeClient, *, output_tokens: int = 2000) -> list[BaseTool]:
    """The read tools, in :data:`READ_TOOL_NAMES` order, reading through ``client``; each
    output is cut to about ``output_tokens`` tokens."""
    context = ReadContext(client, KindResolver(client), output_tokens)
    return [build_tool(context, spec) for spec in _SPECS]


__all__ = ["READ_TOOL_NAMES", "build_read_tools"]
