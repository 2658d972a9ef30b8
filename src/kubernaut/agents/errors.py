"""What goes wrong with chat models: a configuration that cannot work, or a model that
did not answer. Both say what to do about it."""

from __future__ import annotations


class ModelError(Exception):
    """Building or calling a chat model failed."""


class ModelConfigError(ModelError):
    """A model spec or setting that cannot work; the message says what to write instead."""


class ModelCallError(ModelError):
    """A model refused a request, or did not answer it after every retry."""

    def __init__(self, message: str, *, spec: str, status: int | None, attempts: int) -> None:
        super().__init__(message)
        self.spec = spec
        self.status = status
        """The HTTP status of the last failure, when there was one."""
        self.attempts = attempts
