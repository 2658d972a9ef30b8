"""An async Kubernetes API client over httpx: the calls Kubernaut's tools, actions and
controllers make, with errors that say which request failed and why."""

from __future__ import annotations

import builtins
import contextlib
import json
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

import httpx

from kubernaut.kube.config import resolve_connection
from kubernaut.kube.errors import KubeApiError, KubeError, KubeUnreachable
from kubernaut.kube.resources import DEFAULT_API_VERSIONS, KNOWN_TYPES, ResourceType

Obj = dict[str, Any]
PatchType = Literal["merge", "strategic", "json"]

_PATCH_CONTENT_TYPES: dict[str, str] = {
    "merge": "application/merge-patch+json",
    "strategic": "application/strategic-merge-patch+json",
    "json": "application/json-patch+json",
}
_PAGE = 500
POOL_WAIT_SECONDS = 120.0
"""How long a request may wait for a free connection: under load, many tasks share the
pool, and waiting is not the server's failure to answer."""


class KubeClient:
    """One connection to one API server. Use as an async context manager, or call
    :meth:`aclose`.

    ``get`` answers None for a missing object; every other failure raises a
    :class:`~kubernaut.kube.errors.KubeError`.
    """

    def __init__(
        self,
        kubeconfig: Path | str | None = None,
        *,
        context: str | None = None,
        timeout: float = 10.0,
        impersonate: str | None = None,
    ) -> None:
        connection = resolve_connection(kubeconfig, context)
        headers = {"Accept": "application/json", "User-Agent": "kubernaut"}
        if connection.token:
            headers["Authorization"] = f"Bearer {connection.token}"
        if impersonate:
            headers["Impersonate-User"] = impersonate
        self.server = connection.server
        self.connection = connection
        self._client = httpx.AsyncClient(
            base_url=connection.server,
            headers=headers,
            verify=connection.verify,
            cert=connection.client_cert,
            timeout=httpx.Timeout(timeout, pool=POOL_WAIT_SECONDS),
        )
        self._discovered: dict[tuple[str, str], ResourceType] = {}

    async def __aenter__(self) -> KubeClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def resource(self, api_version: str, kind: str) -> ResourceType:
        """Where ``kind`` is served; an empty ``api_version`` means the kind's usual one."""
        api_version = api_version or DEFAULT_API_VERSIONS.get(kind, "")
        known = KNOWN_TYPES.get((api_version, kind)) or self._discovered.get((api_version, kind))
        if known:
            return known
        prefix = "/api/v1" if api_version == "v1" else f"/apis/{api_version}"
        listing = await self._json("GET", prefix) if api_version else {}
        for entry in listing.get("resources") or []:
            if entry.get("kind") == kind and "/" not in entry.get("name", ""):
                found = ResourceType(api_version, kind, entry["name"], bool(entry["namespaced"]))
                self._discovered[(api_version, kind)] = found
                return found
        raise KubeError(f"the API server serves no {kind} in {api_version or 'any known group'}")

    async def get(
        self, api_version: str, kind: str, namespace: str | None, name: str
    ) -> Obj | None:
        path = (await self.resource(api_version, kind)).path(namespace, name)
        response = await self._send("GET", path)
        if response.status_code == 404:
            return None
        return _body(_checked(response))

    async def list(
        self,
        api_version: str,
        kind: str,
        namespace: str | None,
        label_selector: str | None = None,
        field_selector: str | None = None,
        *,
        limit: int | None = None,
    ) -> list[Obj]:
        """Objects of ``kind`` matching both selectors (all namespaces when ``namespace`` is
        None), following continue tokens until ``limit`` objects or the end."""
        path = (await self.resource(api_version, kind)).path(namespace)
        params = _selectors(label_selector, field_selector)
        params["limit"] = min(limit or _PAGE, _PAGE)
        items: list[Obj] = []
        while True:
            page = _body(_checked(await self._send("GET", path, params=params)))
            items.extend(page.get("items") or [])
            token = (page.get("metadata") or {}).get("continue")
            if not token or (limit is not None and len(items) >= limit):
                return items[:limit] if limit is not None else items
            params["continue"] = token

    async def list_with_version(
        self,
        api_version: str,
        kind: str,
        namespace: str | None,
        *,
        field_selector: str | None = None,
    ) -> tuple[builtins.list[Obj], str]:
        """One unpaged list and its resourceVersion, the point a watch starts from."""
        path = (await self.resource(api_version, kind)).path(namespace)
        params = _selectors(None, field_selector)
        page = _body(_checked(await self._send("GET", path, params=params)))
        return list(page.get("items") or []), str(
            (page.get("metadata") or {}).get("resourceVersion") or ""
        )

    async def watch(
        self,
        api_version: str,
        kind: str,
        namespace: str | None,
        *,
        resource_version: str,
        field_selector: str | None = None,
        timeout_seconds: int = 300,
    ) -> AsyncIterator[tuple[str, Obj]]:
        """``(type, object)`` for each change after ``resource_version`` (ADDED, MODIFIED,
        DELETED, BOOKMARK) until the server ends the watch. A resourceVersion too old to
        watch from raises a :class:`KubeApiError` with status 410: list again."""
        path = (await self.resource(api_version, kind)).path(namespace)
        params = _selectors(None, field_selector)
        params.update(
            watch="true",
            resourceVersion=resource_version,
            allowWatchBookmarks="true",
            timeoutSeconds=timeout_seconds,
        )
        timeout = httpx.Timeout(timeout_seconds + 30.0, pool=POOL_WAIT_SECONDS)
        try:
            async with self._client.stream("GET", path, params=params, timeout=timeout) as stream:
                if not stream.is_success:
                    await stream.aread()
                    _checked(stream)
                async for line in stream.aiter_lines():
                    if not line.strip():
                        continue
                    event = json.loads(line)
                    kind_of_change, obj = str(event.get("type")), event.get("object") or {}
                    if kind_of_change == "ERROR":
                        raise KubeApiError(
                            "GET",
                            path,
                            int(obj.get("code") or 500),
                            str(obj.get("reason") or "Error"),
                            str(obj.get("message") or ""),
                        )
                    yield kind_of_change, obj
        except httpx.HTTPError as error:
            raise KubeUnreachable(f"watch {path}: {self.server}: {error!r}") from error

    async def raw(self, path: str, params: Mapping[str, str | int] | None = None) -> str:
        """The body of ``GET path`` as text (pod logs, metrics through the API proxy)."""
        return _checked(await self._send("GET", path, params=dict(params or {}))).text

    async def logs(
        self,
        namespace: str,
        pod: str,
        *,
        container: str | None = None,
        previous: bool = False,
        tail_lines: int | None = None,
    ) -> str:
        params: dict[str, str | int] = {}
        if container:
            params["container"] = container
        if previous:
            params["previous"] = "true"
        if tail_lines is not None:
            params["tailLines"] = tail_lines
        return await self.raw(f"/api/v1/namespaces/{namespace}/pods/{pod}/log", params)

    async def create(self, obj: Obj, *, dry_run: bool = False) -> Obj:
        metadata = obj.get("metadata") or {}
        kind_type = await self.resource(str(obj.get("apiVersion", "")), str(obj.get("kind", "")))
        path = kind_type.path(metadata.get("namespace"))
        return _body(_checked(await self._send("POST", path, json=obj, dry_run=dry_run)))

    async def patch(
        self,
        api_version: str,
        kind: str,
        namespace: str | None,
        name: str,
        body: Any,
        *,
        patch_type: PatchType = "merge",
        dry_run: bool = False,
        subresource: str = "",
    ) -> Obj:
        path = (await self.resource(api_version, kind)).path(namespace, name, subresource)
        headers = {"Content-Type": _PATCH_CONTENT_TYPES[patch_type]}
        response = await self._send("PATCH", path, json=body, headers=headers, dry_run=dry_run)
        return _body(_checked(response))

    async def replace(self, obj: Obj, *, dry_run: bool = False, subresource: str = "") -> Obj:
        metadata = obj.get("metadata") or {}
        kind_type = await self.resource(str(obj.get("apiVersion", "")), str(obj.get("kind", "")))
        path = kind_type.path(metadata.get("namespace"), metadata["name"], subresource)
        return _body(_checked(await self._send("PUT", path, json=obj, dry_run=dry_run)))

    async def delete(
        self,
        api_version: str,
        kind: str,
        namespace: str | None,
        name: str,
        *,
        dry_run: bool = False,
        propagation: Literal["Background", "Foreground", "Orphan"] = "Background",
        grace_period_seconds: int | None = None,
    ) -> Obj | None:
        """Delete the object; None when it was already gone."""
        path = (await self.resource(api_version, kind)).path(namespace, name)
        options: Obj = {"propagationPolicy": propagation}
        if grace_period_seconds is not None:
            options["gracePeriodSeconds"] = grace_period_seconds
        response = await self._send("DELETE", path, json=options, dry_run=dry_run)
        if response.status_code == 404:
            return None
        return _body(_checked(response))

    async def evict(self, namespace: str, pod: str, *, dry_run: bool = False) -> None:
        """Evict ``pod`` through the Eviction API, which honours PodDisruptionBudgets (a
        budget that forbids it answers 429)."""
        body = {
            "apiVersion": "policy/v1",
            "kind": "Eviction",
            "metadata": {"name": pod, "namespace": namespace},
        }
        path = f"/api/v1/namespaces/{namespace}/pods/{pod}/eviction"
        _checked(await self._send("POST", path, json=body, dry_run=dry_run))

    async def can_i(
        self,
        verb: str,
        resource: str,
        *,
        group: str = "",
        namespace: str | None = None,
        name: str | None = None,
        subresource: str | None = None,
    ) -> tuple[bool, str]:
        """A SelfSubjectAccessReview: whether this client may ``verb`` the resource, and the
        server's reason."""
        attributes: dict[str, str] = {"verb": verb, "resource": resource, "group": group}
        for key, value in (("namespace", namespace), ("name", name)):
            if value:
                attributes[key] = value
        if subresource:
            attributes["subresource"] = subresource
        review = {
            "apiVersion": "authorization.k8s.io/v1",
            "kind": "SelfSubjectAccessReview",
            "spec": {"resourceAttributes": attributes},
        }
        answer = await self.create(review)
        status = answer.get("status") or {}
        return bool(status.get("allowed")), str(status.get("reason") or "")

    async def whoami(self) -> str:
        """The user this client authenticates as (a SelfSubjectReview, Kubernetes 1.28+)."""
        review = await self.create(
            {"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"}
        )
        return str(((review.get("status") or {}).get("userInfo") or {}).get("username") or "")

    async def _json(self, method: str, path: str) -> Obj:
        return _body(_checked(await self._send(method, path)))

    async def _send(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str | int] | None = None,
        json: Any = None,
        headers: dict[str, str] | None = None,
        dry_run: bool = False,
    ) -> httpx.Response:
        params = dict(params or {})
        if dry_run:
            params["dryRun"] = "All"
        try:
            return await self._client.request(
                method, path, params=params, json=json, headers=headers
            )
        except httpx.HTTPError as error:
            raise KubeUnreachable(f"{method} {path}: {self.server}: {error!r}") from error


def _selectors(label_selector: str | None, field_selector: str | None) -> dict[str, str | int]:
    """The query parameters of a list or watch narrowed by selectors."""
    params: dict[str, str | int] = {}
    if label_selector:
        params["labelSelector"] = label_selector
    if field_selector:
        params["fieldSelector"] = field_selector
    return params


def _checked(response: httpx.Response) -> httpx.Response:
    if response.is_success:
        return response
    reason, message = response.reason_phrase, response.text.strip()
    with contextlib.suppress(ValueError, AttributeError):
        status = response.json()
        reason = str(status.get("reason") or reason)
        message = str(status.get("message") or message)
    raise KubeApiError(
        response.request.method,
        response.request.url.path,
        response.status_code,
        reason,
        message,
    )


def _body(response: httpx.Response) -> Obj:
    try:
        body: Obj = response.json()
    except ValueError as error:
        raise KubeError(f"{response.request.url.path}: the answer is not JSON") from error
    return body
