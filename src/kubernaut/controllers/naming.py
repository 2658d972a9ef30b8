"""Names of a remediation's children: derived from the RemediationRequest (and a step's
key), so that a controller repeating a create after a restart meets its own object
(409) instead of making a second one."""

from __future__ import annotations

_MAX_NAME = 253


def _child(remediation: str, suffix: str) -> str:
    return f"{remediation[: _MAX_NAME - len(suffix) - 1]}-{suffix}"


def processing_name(remediation: str) -> str:
    return _child(remediation, "processing")


def analysis_name(remediation: str) -> str:
    return _child(remediation, "analysis")


def workflow_name(remediation: str) -> str:
    return _child(remediation, "workflow")


def approval_name(remediation: str) -> str:
    return _child(remediation, "approval")


def execution_name(remediation: str, step_key: str) -> str:
    return _child(remediation, step_key)
