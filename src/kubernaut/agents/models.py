"""Chat models from a string, and the chain of fallbacks the graph talks to.

``build_chat_model("openai/gpt-4o")`` is a litellm-backed langchain chat model;
``build_chat_model("rules")`` the deterministic rule-based one. A :class:`ModelChain`
tries its models in order and answers with the first that answers; each answer says
which tier it came from in ``response_metadata["kubernaut_model"]``.

litellm takes seconds to import, so it is imported only when a litellm model is built.
"""

from __future__ import annotations

import difflib
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import BaseMessage
from langchain_core.runnables import Runnable, RunnableConfig
from langchain_core.tools import BaseTool

from kubernaut.agents.errors import ModelCallError, ModelConfigError
from kubernaut.agents.settings import ModelSettings

RULES = "rules"
MODEL_METADATA_KEY = "kubernaut_model"
"""The ``response_metadata`` key naming the spec of the tier that answered."""

EXAMPLES = "openai/gpt-4o, anthropic/claude-sonnet-4-5, ollama/llama3.1, or rules"

__all__ = [
    "MODEL_METADATA_KEY",
    "ModelCallError",
    "ModelChain",
    "ModelConfigError",
    "ModelSettings",
    "build_chat_model",
    "build_model_chain",
]


def build_chat_model(spec: str, settings: ModelSettings | None = None) -> BaseChatModel:
    """The chat model ``spec`` names: ``rules``, or any litellm model string such as
    ``openai/gpt-4o`` (or ``openai/<name>`` with ``settings.api_base`` for an
    OpenAI-compatible server). Raises :class:`ModelConfigError` for a spec litellm cannot
    route, saying what to write instead."""
    spec = spec.strip()
    if not spec:
        raise ModelConfigError(f"no model given: write a model such as {EXAMPLES}")
    if spec.lower() == RULES:
        from kubernaut.agents.rules import RulesChatModel

        return RulesChatModel()
    from kubernaut.agents.litellm_chat import LiteLLMChatModel

    settings = settings or ModelSettings()
    _check_litellm_spec(spec, settings.api_base)
    return LiteLLMChatModel(
        model=spec,
        api_base=settings.api_base,
        api_key=settings.api_key,
        request_timeout=settings.timeout,
        max_retries=settings.max_retries,
        backoff_base=settings.backoff_base,
        temperature=settings.temperature,
    )


class ModelChain:
    """The primary model and its fallbacks, in order, each named by its spec
    (:func:`build_model_chain` appends ``rules`` as the last tier).

    A tier that fails (after its own retries) hands the request to the next one; a
    stream falls back only if it fails before its first chunk."""

    def __init__(self, tiers: Sequence[tuple[str, BaseChatModel]]) -> None:
        if not tiers:
            raise ModelConfigError(f"a model chain needs at least one model, such as {EXAMPLES}")
        self._tiers = list(tiers)

    @property
    def specs(self) -> list[str]:
        return [spec for spec, _ in self._tiers]

    @property
    def models(self) -> list[BaseChatModel]:
        return [model for _, model in self._tiers]

    def bind_tools(self, tools: Sequence[BaseTool]) -> Runnable[LanguageModelInput, BaseMessage]:
        """Every tier with ``tools`` bound, falling back in order."""
        return self._chained([(spec, model.bind_tools(tools)) for spec, model in self._tiers])

    def plain(self) -> Runnable[LanguageModelInput, BaseMessage]:
        """Every tier without tools (for structured output), falling back in order."""
        return self._chained(list(self._tiers))

    @staticmethod
    def _chained(
        tiers: list[tuple[str, Runnable[LanguageModelInput, BaseMessage]]],
    ) -> Runnable[LanguageModelInput, BaseMessage]:
        first, *rest = (LabelledTier(spec, runnable) for spec, runnable in tiers)
        return first.with_fallbacks(rest) if rest else first

    def __repr__(self) -> str:
        return f"ModelChain({' -> '.join(self.specs)})"


def build_model_chain(
    primary: str,
    fallbacks: Sequence[str] = (),
    settings: ModelSettings | None = None,
    *,
    rules_last: bool = True,
) -> ModelChain:
    """``primary``, then ``fallbacks``, then ``rules`` (unless ``rules_last`` is false).

    ``settings`` apply to every litellm tier; for tiers with different endpoints, build
    each with :func:`build_chat_model` and pass them to :class:`ModelChain`."""
    specs = [spec.strip() for spec in (primary, *fallbacks)]
    if rules_last and specs[-1].lower() != RULES:
        specs.append(RULES)
    for index, spec in enumerate(specs[:-1]):
        if spec.lower() == RULES:
            after = ", ".join(specs[index + 1 :])
            raise ModelConfigError(
                f"rules always answers, so the models after it ({after}) would never be "
                "used: put rules last, or leave it out and let it be appended"
            )
    settings = settings or ModelSettings()
    return ModelChain([(spec, build_chat_model(spec, settings)) for spec in specs])


class LabelledTier(Runnable[LanguageModelInput, BaseMessage]):
    """One tier of a chain: what it returns carries its spec under ``kubernaut_model``
    (on the first chunk when streaming, since chunk metadata is concatenated)."""

    def __init__(self, spec: str, runnable: Runnable[LanguageModelInput, BaseMessage]) -> None:
        self.spec = spec
        self.runnable = runnable

    def invoke(
        self, input: LanguageModelInput, config: RunnableConfig | None = None, **kwargs: Any
    ) -> BaseMessage:
        return self._labelled(self.runnable.invoke(input, config, **kwargs))

    async def ainvoke(
        self, input: LanguageModelInput, config: RunnableConfig | None = None, **kwargs: Any
    ) -> BaseMessage:
        return self._labelled(await self.runnable.ainvoke(input, config, **kwargs))

    def stream(
        self, input: LanguageModelInput, config: RunnableConfig | None = None, **kwargs: Any
    ) -> Iterator[BaseMessage]:
        for index, chunk in enumerate(self.runnable.stream(input, config, **kwargs)):
            yield self._labelled(chunk) if index == 0 else chunk

    async def astream(
        self, input: LanguageModelInput, config: RunnableConfig | None = None, **kwargs: Any
    ) -> AsyncIterator[BaseMessage]:
        index = 0
        async for chunk in self.runnable.astream(input, config, **kwargs):
            yield self._labelled(chunk) if index == 0 else chunk
            index += 1

    def _labelled(self, message: BaseMessage) -> BaseMessage:
        metadata = {**message.response_metadata, MODEL_METADATA_KEY: self.spec}
        return message.model_copy(update={"response_metadata": metadata})

    def __repr__(self) -> str:
        return f"LabelledTier({self.spec})"


def _check_litellm_spec(spec: str, api_base: str | None) -> None:
    import litellm
    from litellm.exceptions import BadRequestError

    provider, _, name = spec.partition("/")
    if name == "" and "/" in spec:
        raise ModelConfigError(
            f"model {spec!r} names no model after the provider: write {provider}/<model>, "
            f"e.g. {EXAMPLES}"
        )
    try:
        litellm.get_llm_provider(model=spec, api_base=api_base)
    except BadRequestError:
        pass
    else:
        return
    close_to_rules = difflib.get_close_matches(spec.lower(), [RULES], n=1, cutoff=0.75)
    if close_to_rules:
        raise ModelConfigError(f"unknown model {spec!r}: did you mean rules?")
    if not name:
        raise ModelConfigError(
            f"litellm cannot tell which provider serves {spec!r}: prefix it with one, e.g. "
            f"openai/{spec} for an OpenAI-compatible server (with KUBERNAUT_MODEL_API_BASE), "
            f"ollama/{spec}, or anthropic/{spec}"
        )
    providers = [getattr(known, "value", str(known)) for known in litellm.provider_list]
    suggestions = difflib.get_close_matches(provider, providers, n=3, cutoff=0.6)
    hint = (
        f"did you mean {' or '.join(f'{s}/{name}' for s in suggestions)}? " if suggestions else ""
    )
    raise ModelConfigError(
        f"unknown model provider {provider!r} in {spec!r}: {hint}Write <provider>/<model> "
        f"with a provider litellm knows (https://docs.litellm.ai/docs/providers), e.g. {EXAMPLES}"
    )
