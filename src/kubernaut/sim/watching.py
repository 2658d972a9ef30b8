"""Streaming watch responses: events, bookmarks, timeouts, and 410 Gone for expired versions."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import orjson

from kubernaut.sim.asgi import Request, StreamResponse
from kubernaut.sim.errors import ApiError
from kubernaut.sim.resources import ResourceType, printer_columns
from kubernaut.sim.selectors import FieldSelector, LabelSelector
from kubernaut.sim.store import Watch
from kubernaut.sim.tables import render_table

if TYPE_CHECKING:
    from kubernaut.sim.cluster import Cluster

INITIAL_EVENTS_END = "k8s.io/initial-events-end"


def stream_watch(
    cluster: Cluster,
    request: Request,
    resource: ResourceType,
    namespace: str | None,
    labels: LabelSelector | None,
    fields: FieldSelector | None,
) -> StreamResponse:
    since = _since(request.param("resourceVersion"))
    send_initial = request.flag("sendInitialEvents")
    timeout = _timeout(request.param("timeoutSeconds"))
    bookmarks = request.flag("allowWatchBookmarks")
    as_table = "as=Table" in request.headers.get("accept", "")
    try:
        watch = cluster.store.watch(
            resource, namespace, labels=labels, fields=fields, since=None if send_initial else since
        )
    except ApiError as expired:
        return StreamResponse(200, _single_error(expired))
    stream = _WatchStream(cluster, request, resource, watch, as_table)
    return StreamResponse(200, stream.events(timeout, bookmarks, send_initial))


class _WatchStream:
    def __init__(
        self,
        cluster: Cluster,
        request: Request,
        resource: ResourceType,
        watch: Watch,
        as_table: bool,
    ) -> None:
        self.cluster = cluster
        self.request = request
        self.resource = resource
        self.watch = watch
        self.as_table = as_table
        self.first_table = True

    async def events(
        self, timeout_seconds: float | None, bookmarks: bool, send_initial: bool
    ) -> AsyncIterator[bytes]:
        deadline = None if timeout_seconds is None else time.monotonic() + timeout_seconds
        disconnected = asyncio.ensure_future(self.request.disconnected())
        try:
            if send_initial:
                while not self.watch.queue.empty():
                    event_type, obj = self.watch.queue.get_nowait()
                    yield self._encode(event_type, obj)
                yield self._bookmark(initial_end=True)
            while True:
                wait = self.cluster.bookmark_interval if bookmarks else None
                if deadline is not None:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return
                    wait = remaining if wait is None else min(wait, remaining)
                getter = asyncio.ensure_future(self.watch.queue.get())
                done, _ = await asyncio.wait(
                    {getter, disconnected}, timeout=wait, return_when=asyncio.FIRST_COMPLETED
                )
                if disconnected in done:
                    getter.cancel()
                    return
                if getter in done:
                    event_type, obj = getter.result()
                    yield self._encode(event_type, obj)
                else:
                    getter.cancel()
                    if bookmarks:
                        yield self._bookmark()
        finally:
            disconnected.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await disconnected
            self.cluster.store.stop_watch(self.watch)

    def _encode(self, event_type: str, obj: dict[str, Any]) -> bytes:
        if self.as_table:
            table = render_table(
                self.resource.kind,
                [obj],
                now=self.cluster.clock.now(),
                include_object=self.request.param("includeObject") or "Metadata",
                printer_columns=printer_columns(self.resource),
                resource_version=obj["metadata"].get("resourceVersion", ""),
            )
            if not self.first_table:
                table["columnDefinitions"] = []
            self.first_table = False
            return orjson.dumps({"type": event_type, "object": table}) + b"\n"
        return orjson.dumps({"type": event_type, "object": obj}) + b"\n"

    def _bookmark(self, *, initial_end: bool = False) -> bytes:
        metadata: dict[str, Any] = {"resourceVersion": str(self.cluster.store.resource_version)}
        if initial_end:
            metadata["annotations"] = {INITIAL_EVENTS_END: "true"}
        bookmark = {
            "kind": self.resource.kind,
            "apiVersion": self.resource.api_version,
            "metadata": metadata,
        }
        return orjson.dumps({"type": "BOOKMARK", "object": bookmark}) + b"\n"


async def _single_error(error: ApiError) -> AsyncIterator[bytes]:
    yield orjson.dumps({"type": "ERROR", "object": error.status()}) + b"\n"


def _since(resource_version: str | None) -> int | None:
    if resource_version is None or resource_version in ("", "0"):
        return None
    try:
        return int(resource_version)
    except ValueError:
        raise ApiError(400, f"invalid resource version: {resource_version!r}") from None


def _timeout(text: str | None) -> float | None:
    if not text:
        return None
    try:
        return max(float(text), 0.0)
    except ValueError:
        raise ApiError(400, f"timeoutSeconds must be a number, got {text!r}") from None
