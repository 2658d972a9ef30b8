"""Prompt templates: found in the checkout, rendered strictly, clear when misused."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubernaut.agents.prompts import PromptError, prompts_dir, render_prompt

CHECKOUT = Path(__file__).resolve().parents[2]


def test_the_checkout_prompts_are_used_from_a_source_tree() -> None:
    assert prompts_dir() == CHECKOUT / "prompts"
    assert (prompts_dir() / "repair.md.j2").is_file()


def test_the_repair_prompt_carries_the_error_and_the_schema() -> None:
    text = render_prompt(
        "repair.md",
        schema_name="Recommendation",
        error="confidence: Input should be less than or equal to 1, got 1.5",
        schema='{"type": "object"}',
    )
    assert "could not be used as a Recommendation" in text
    assert "confidence: Input should be less than or equal to 1, got 1.5" in text
    assert '```json\n{"type": "object"}\n```' in text
    assert render_prompt("repair.md.j2", schema_name="X", error="e", schema="{}") == render_prompt(
        "repair.md", schema_name="X", error="e", schema="{}"
    )


def test_a_missing_variable_is_named() -> None:
    with pytest.raises(PromptError) as raised:
        render_prompt("repair.md", error="bad")
    assert str(raised.value) == (
        "prompt repair.md.j2 needs schema, schema_name, which render_prompt was not given"
    )


def test_an_unknown_prompt_lists_the_prompts_there_are() -> None:
    with pytest.raises(PromptError) as raised:
        render_prompt("diagnose.md")
    message = str(raised.value)
    assert "no prompt 'diagnose.md': there is no diagnose.md.j2" in message
    assert "repair.md" in message.split("the prompts are ", 1)[1]
