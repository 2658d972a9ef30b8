"""Serving the scripted chat app on a local port, in a thread and event loop of its own,
so that blocking and async clients alike can call it from the caller's thread."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kubernaut.agents.scripted.app import ScriptedChatApp
from kubernaut.agents.scripted.script import Answer, Responder, Script
from kubernaut.threaded_server import ContextManaged, ThreadedServer

HOST = "127.0.0.1"


class ScriptedChatServer(ContextManaged):
    """An OpenAI-compatible chat-completions server whose answers come from ``script``:
    a list of replies and errors used in order, or a function of the request body.

    Use it as a context manager (``with`` or ``async with``); ``port=0`` picks a free
    port. ``delay`` is how long it waits before each answer (to test timeouts).
    """

    def __init__(
        self, script: Sequence[Answer] | Responder, *, port: int = 0, delay: float = 0.0
    ) -> None:
        self._app = ScriptedChatApp(Script(script), delay=delay)
        self._server = ThreadedServer("scripted-chat", host=HOST, port=port)

    @property
    def base_url(self) -> str:
        """What an OpenAI client takes as its base URL (litellm's ``api_base``)."""
        return f"http://{HOST}:{self._server.port}/v1"

    @property
    def port(self) -> int:
        return self._server.port

    @property
    def requests(self) -> list[dict[str, Any]]:
        """The JSON bodies of the completion requests received, in order."""
        return self._app.requests

    def start(self) -> ScriptedChatServer:
        self._server.start(self._setup)
        return self

    def stop(self) -> None:
        self._server.stop()

    async def _setup(self) -> ScriptedChatApp:
        return self._app
