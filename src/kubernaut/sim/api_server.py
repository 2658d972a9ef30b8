"""The ASGI application: authentication, authorization, dispatch, errors and the request log."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from kubernaut.sim import discovery
from kubernaut.sim.asgi import (
    Receive,
    Request,
    Response,
    Scope,
    Send,
    StreamResponse,
    json_response,
    read_request,
    send_response,
    text_response,
)
from kubernaut.sim.errors import ApiError
from kubernaut.sim.handlers import ResourceHandlers, is_dry_run
from kubernaut.sim.holds import HeldRequest, Holds
from kubernaut.sim.openapi import openapi_v2, openapi_v3_group, openapi_v3_index
from kubernaut.sim.physics.prometheus import proxy_metrics
from kubernaut.sim.requestlog import RequestRecord
from kubernaut.sim.resources import ResourceType
from kubernaut.sim.routing import ResourcePath, parse_resource_path
from kubernaut.sim.subresources import bind, evict, pod_log, scale
from kubernaut.sim.virtual import access_review, metrics, self_subject_review, token_review

if TYPE_CHECKING:
    from kubernaut.sim.cluster import Cluster

logger = logging.getLogger(__name__)

ANONYMOUS = "system:anonymous"
_BINARY_BODIES = ("application/vnd.kubernetes.protobuf", "application/cbor")
_HEALTH_PATHS = frozenset({"/healthz", "/livez", "/readyz"})


def _verb(method: str, path: ResourcePath, watch: bool) -> str:
    if method == "GET":
        if watch or path.legacy_watch:
            return "watch"
        return "get" if path.name else "list"
    if method == "DELETE":
        return "delete" if path.name else "deletecollection"
    return {"POST": "create", "PUT": "update", "PATCH": "patch"}.get(method, method.lower())


class ApiServer:
    """Serves a :class:`Cluster` over the Kubernetes REST API."""

    def __init__(self, cluster: Cluster, *, tokens: dict[str, str] | None = None) -> None:
        self.cluster = cluster
        self.tokens = dict(tokens or {})
        self.handlers = ResourceHandlers(cluster)
        self.address = "127.0.0.1:0"
        self.holds = Holds()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        record: dict[str, object] = {
            "method": scope["method"],
            "path": scope["path"],
            "query": scope.get("query_string", b"").decode(),
            "verb": "",
            "group": "",
            "resource": "",
            "subresource": "",
            "namespace": "",
            "name": "",
            "dry_run": False,
            "user": ANONYMOUS,
            "time": self.cluster.clock.timestamp(),
        }
        try:
            request = await read_request(scope, receive)
            record["user"] = self._authenticate(request)
            held = HeldRequest(request.method, request.path, request.query_string, request.body)
            if await self.holds.check(held):
                raise ApiError(503, "the request was dropped by a test hold")
            response = self._dispatch(request, str(record["user"]), record)
        except ApiError as error:
            response = json_response(error.status(), error.code)
        except Exception:
            logger.exception("simulator failed on %s %s", scope["method"], scope["path"])
            failure = ApiError(500, "an internal error occurred in the simulator; see its log")
            response = json_response(failure.status(), 500)
        self.cluster.request_log.append(RequestRecord(code=response.status, **record))  # type: ignore[arg-type]
        await send_response(send, response)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return

    def _authenticate(self, request: Request) -> str:
        header = request.headers.get("authorization", "")
        user = ANONYMOUS
        if header.lower().startswith("bearer "):
            token = header[7:].strip()
            if token not in self.tokens:
                raise ApiError(401, "Unauthorized")
            user = self.tokens[token]
        impersonated = request.headers.get("impersonate-user")
        if not impersonated:
            return user
        self._may_impersonate(user, impersonated)
        return impersonated

    def _may_impersonate(self, user: str, impersonated: str) -> None:
        """As the API server asks RBAC: ``impersonate`` on the service account (in its
        namespace) for a service-account name, else on ``users``."""
        parts = impersonated.split(":")
        if len(parts) == 4 and parts[:2] == ["system", "serviceaccount"]:
            resource, namespace, name = "serviceaccounts", parts[2], parts[3]
        else:
            resource, namespace, name = "users", "", impersonated
        allowed, _ = self.cluster.access.decide(user, "impersonate", "", resource, namespace)
        if not allowed:
            raise ApiError(
                403,
                f'{resource} "{name}" is forbidden: User "{user}" cannot impersonate '
                f'resource "{resource}" in API group ""'
                + (f' in the namespace "{namespace}"' if namespace else ""),
            )

    def _dispatch(
        self, request: Request, user: str, record: dict[str, object]
    ) -> Response | StreamResponse:
        resource_path = parse_resource_path(request.path)
        if resource_path is None:
            return self._non_resource(request)
        resource = self.cluster.registry.lookup(
            resource_path.group, resource_path.version, resource_path.plural
        )
        verb = _verb(request.method, resource_path, request.flag("watch"))
        record.update(
            verb=verb,
            group=resource.group,
            resource=resource.plural,
            subresource=resource_path.subresource or "",
            namespace=resource_path.namespace or "",
            name=resource_path.name or "",
            dry_run=is_dry_run(request),
        )
        if request.body and request.content_type in _BINARY_BODIES:
            raise ApiError(
                415,
                f"the simulator accepts JSON request bodies only, not {request.content_type}: "
                "kubectl create/run/expose/drain send protobuf, so use 'kubectl apply -f' "
                "or a JSON client instead",
                reason="UnsupportedMediaType",
            )
        self._check_scope(resource, resource_path)
        self._authorize(user, verb, resource, resource_path)
        if resource_path.subresource:
            return self._subresource(request, resource, resource_path, verb)
        if verb not in resource.verbs:
            raise ApiError(
                405,
                f"the server does not allow this method on the requested resource ({verb})",
                reason="MethodNotAllowed",
            )
        if not resource.stored:
            if resource.kind == "SelfSubjectAccessReview":
                return access_review(self.cluster, request, user)
            if resource.kind == "TokenReview":
                return token_review(self.tokens, request)
            if resource.kind == "SelfSubjectReview":
                return self_subject_review(user)
            return metrics(self.cluster, request, resource, resource_path)
        handler = {
            "get": self.handlers.get,
            "list": self.handlers.list_or_watch,
            "watch": self.handlers.list_or_watch,
            "create": self.handlers.create,
            "update": self.handlers.update,
            "patch": self.handlers.patch,
            "delete": self.handlers.delete,
            "deletecollection": self.handlers.delete_collection,
        }[verb]
        return handler(request, resource, resource_path)

    def _subresource(
        self, request: Request, resource: ResourceType, path: ResourcePath, verb: str
    ) -> Response | StreamResponse:
        subresource = path.subresource
        if subresource not in resource.subresources:
            raise ApiError(404, "the server could not find the requested resource")
        if subresource == "status" or subresource == "finalize":
            if verb == "get":
                return self.handlers.get(request, resource, path)
            if verb == "update":
                return self.handlers.update(request, resource, path)
            if verb == "patch":
                return self.handlers.patch(request, resource, path)
        elif subresource == "scale":
            return scale(self.cluster, request, resource, path)
        elif subresource == "log" and verb == "get":
            return pod_log(self.cluster, request, resource, path)
        elif subresource == "eviction" and verb == "create":
            return evict(self.cluster, request, resource, path)
        elif subresource == "binding" and verb == "create":
            return bind(self.cluster, request, resource, path)
        elif subresource == "proxy" and verb == "get":
            return proxy_metrics(self.cluster, resource, path)
        raise ApiError(
            405,
            f"the server does not allow this method on {resource.plural}/{subresource}",
            reason="MethodNotAllowed",
        )

    def _non_resource(self, request: Request) -> Response:
        path = request.path.rstrip("/") or "/"
        registry = self.cluster.registry
        if path in _HEALTH_PATHS:
            return text_response("ok")
        if path == "/version":
            return json_response(discovery.version_info())
        if path == "/api":
            return json_response(discovery.api_versions(self.address))
        if path == "/apis":
            return json_response(discovery.api_group_list(registry))
        if path == "/openapi/v2":
            return json_response(openapi_v2(registry))
        if path == "/openapi/v3":
            return json_response(openapi_v3_index(registry))
        parts = [p for p in path.split("/") if p]
        document = None
        if parts[:2] == ["openapi", "v3"]:
            document = openapi_v3_group(registry, "/".join(parts[2:]))
        elif parts == ["api", "v1"]:
            document = discovery.api_resource_list(registry, "", "v1")
        elif len(parts) == 2 and parts[0] == "apis":
            document = discovery.api_group(registry, parts[1])
        elif len(parts) == 3 and parts[0] == "apis":
            document = discovery.api_resource_list(registry, parts[1], parts[2])
        if document is None:
            raise ApiError(404, "the server could not find the requested resource")
        return json_response(document)

    def _check_scope(self, resource: ResourceType, path: ResourcePath) -> None:
        if path.namespace is not None and not resource.namespaced:
            raise ApiError(404, "the server could not find the requested resource")
        if resource.namespaced and path.namespace is None and path.name is not None:
            raise ApiError(404, "the server could not find the requested resource")

    def _authorize(self, user: str, verb: str, resource: ResourceType, path: ResourcePath) -> None:
        name = resource.plural + (f"/{path.subresource}" if path.subresource else "")
        allowed, _ = self.cluster.access.decide(
            user, verb, resource.group, name, path.namespace or ""
        )
        if allowed:
            return
        target = f'{resource.plural} "{path.name}"' if path.name else resource.plural
        where = (
            f' in the namespace "{path.namespace}"' if path.namespace else " at the cluster scope"
        )
        raise ApiError(
            403,
            f'{target} is forbidden: User "{user}" cannot {verb} resource "{name}" in API group '
            f'"{resource.group}"{where}',
            reason="Forbidden",
        )
