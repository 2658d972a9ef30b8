"""Prompt templates: Jinja files in ``prompts/``, rendered with every variable required."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, cast

import jinja2
import jinja2.meta

TEMPLATE_SUFFIX = ".j2"


class PromptError(Exception):
    """A prompt template is missing, broken, or was not given a variable it uses."""


def prompts_dir() -> Path:
    """The prompt templates shipped with Kubernaut: ``kubernaut/data/prompts`` inside an
    installed package, else ``prompts`` of the source checkout."""
    package = Path(__file__).resolve().parents[1]
    candidates = (package / "data" / "prompts", package.parents[1] / "prompts")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    looked = " and ".join(str(candidate) for candidate in candidates)
    raise PromptError(f"no prompt templates: looked in {looked}; reinstall kubernaut")


def render_prompt(name: str, **variables: Any) -> str:
    """Render the template ``name`` (``"repair.md"`` is ``prompts/repair.md.j2``).

    Raises :class:`PromptError` naming the template and what was wrong: no such template,
    a syntax error, or a variable it uses that was not given.
    """
    file = name if name.endswith(TEMPLATE_SUFFIX) else name + TEMPLATE_SUFFIX
    environment = _environment(prompts_dir())
    try:
        template = environment.get_template(file)
    except jinja2.TemplateNotFound:
        known = sorted(
            path.removesuffix(TEMPLATE_SUFFIX)
            for path in environment.list_templates(extensions=[TEMPLATE_SUFFIX[1:]])
        )
        raise PromptError(
            f"no prompt {name!r}: there is no {file} in {prompts_dir()}; "
            f"the prompts are {', '.join(known) or 'none'}"
        ) from None
    except jinja2.TemplateSyntaxError as error:
        raise PromptError(f"prompt {file} line {error.lineno}: {error.message}") from None
    missing = sorted(_variables_of(environment, file) - variables.keys())
    if missing:
        raise PromptError(
            f"prompt {file} needs {', '.join(missing)}, which render_prompt was not given"
        )
    try:
        return template.render(**variables)
    except jinja2.UndefinedError as error:
        raise PromptError(f"prompt {file}: {error.message}") from None


@functools.cache
def _environment(directory: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(directory),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _variables_of(environment: jinja2.Environment, file: str) -> set[str]:
    """The variables a template reads from its caller."""
    loader = cast(jinja2.BaseLoader, environment.loader)
    source, _, _ = loader.get_source(environment, file)
    return set(jinja2.meta.find_undeclared_variables(environment.parse(source)))
