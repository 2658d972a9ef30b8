"""Reading the policy file, with errors that name the field and say what to do."""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from kubernaut.tools.safety.policy import SafetyPolicy

POLICY_FILE_ENV = "KUBERNAUT_POLICY_FILE"
"""The environment variable that names the policy file; unset means the safe defaults."""

_WHAT_TO_DO = (
    "Fix the policy file (docs/policy.md describes every field), "
    f"or unset {POLICY_FILE_ENV} to run with the safe defaults."
)


class PolicyError(Exception):
    """The policy file cannot be used; the message names the file, the field and the fix."""


def policy_path_from_environment() -> Path | None:
    """The policy file ``KUBERNAUT_POLICY_FILE`` names, or None when it is unset or empty."""
    value = os.environ.get(POLICY_FILE_ENV, "").strip()
    return Path(value) if value else None


def load_policy(path: Path | None) -> SafetyPolicy:
    """The policy in ``path`` (YAML); the safe defaults when ``path`` is None. An empty
    file is the defaults too; any field left out keeps its default."""
    if path is None:
        return SafetyPolicy()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PolicyError(
            f"{path}: cannot read the policy file: {error.strerror}. {_WHAT_TO_DO}"
        ) from None
    try:
        document: Any = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise PolicyError(f"{path}: not valid YAML: {error}. {_WHAT_TO_DO}") from None
    if document is None:
        return SafetyPolicy()
    if not isinstance(document, dict):
        raise PolicyError(
            f"{path}: the policy must be a mapping of sections (actions, namespaces, optIn, "
            f"limits, cooldown, rate, approval), not a {type(document).__name__}. {_WHAT_TO_DO}"
        )
    try:
        return SafetyPolicy.model_validate(document)
    except ValidationError as error:
        problems = "\n".join(f"{path}: {_describe(problem)}" for problem in error.errors())
        raise PolicyError(f"{problems}\n{_WHAT_TO_DO}") from None


def _describe(problem: Any) -> str:
    location = _field_path(problem["loc"])
    message = str(problem["msg"]).removeprefix("Value error, ")
    if problem["type"] == "extra_forbidden":
        message = "unknown field" + _suggestion(problem["loc"])
    return f"{location}: {message}" if location else message


def _suggestion(loc: tuple[int | str, ...]) -> str:
    """A did-you-mean for an unknown key, from the fields of the section it is in."""
    section: type[BaseModel] = SafetyPolicy
    for part in loc[:-1]:
        fields = {
            info.alias or name: info.annotation for name, info in section.model_fields.items()
        }
        inner = fields.get(str(part))
        if not (isinstance(inner, type) and issubclass(inner, BaseModel)):
            return ""
        section = inner
    known = [info.alias or name for name, info in section.model_fields.items()]
    close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else f" (fields here: {', '.join(known)})"


def _field_path(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text
