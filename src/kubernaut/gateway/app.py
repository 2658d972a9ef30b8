"""The gateway's HTTP API (FastAPI): the four signal endpoints, health, readiness and
metrics. :func:`build_app` serves an opened :class:`Gateway`; :func:`create_app` opens and
closes one with the app's lifespan."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST
from pydantic import BaseModel, ValidationError

from kubernaut import __version__
from kubernaut.core.signal import Signal
from kubernaut.core.signal_parsing import SignalFormatError
from kubernaut.gateway.adapters.cloudwatch import CloudWatchAlarm
from kubernaut.gateway.adapters.kubernetes_event import KubernetesEvent
from kubernaut.gateway.adapters.prometheus import AlertmanagerWebhook
from kubernaut.gateway.adapters.sns import (
    CertificateUnavailable,
    SignatureError,
    SnsMessage,
    SnsMessageType,
)
from kubernaut.gateway.adapters.webhook import WebhookSignal
from kubernaut.gateway.guard import SignalGuard
from kubernaut.gateway.problems import (
    PROBLEM_MEDIA_TYPE,
    Problem,
    install_problem_handlers,
    validation_problem,
)
from kubernaut.gateway.results import BatchResult, Outcome, SignalResult
from kubernaut.gateway.runtime import Gateway
from kubernaut.gateway.settings import GatewaySettings
from kubernaut.kube import KubeError

logger = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)
RETRY_AFTER = "5"


class ProblemDetails(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str = ""
    errors: list[dict[str, str]] = []


_PROBLEM = {"model": ProblemDetails, "content": {PROBLEM_MEDIA_TYPE: {}}}
SIGNAL_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": SignalResult, "description": "Nothing started (outcome and reason say why)"},
    201: {"model": SignalResult, "description": "A RemediationRequest was created"},
    202: {"model": SignalResult, "description": "Counted on an active RemediationRequest"},
    400: {**_PROBLEM, "description": "The body is not a valid signal"},
    401: {**_PROBLEM, "description": "No accepted token"},
    413: {**_PROBLEM, "description": "Body larger than the limit"},
    415: {**_PROBLEM, "description": "Wrong Content-Type"},
    429: {**_PROBLEM, "description": "Rate limit exceeded (see Retry-After)"},
    503: {**_PROBLEM, "description": "Kubernetes unreachable: send again (see Retry-After)"},
}
BATCH_RESPONSES: dict[int | str, dict[str, Any]] = {
    **SIGNAL_RESPONSES,
    207: {"model": BatchResult, "description": "A batch: one result per alert"},
}


def _answer(results: list[SignalResult]) -> Response:
    if len(results) == 1:
        only = results[0]
        return JSONResponse(only.model_dump(mode="json"), status_code=only.status)
    return JSONResponse(BatchResult(results=results).model_dump(mode="json"), status_code=207)


def _unavailable(error: KubeError) -> Problem:
    return Problem(
        503,
        f"the Kubernetes API failed: {error}. Send the signal again; repeats are deduplicated",
        headers={"Retry-After": RETRY_AFTER},
    )


async def _ingest_all(gateway: Gateway, signals: list[Signal]) -> Response:
    try:
        results = await asyncio.gather(*(gateway.ingestor.ingest(s) for s in signals))
    except KubeError as error:
        raise _unavailable(error) from error
    return _answer(list(results))


def _json_body(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise Problem(
            400, "the body is not JSON", errors=[{"field": "(body)", "message": "not JSON"}]
        ) from None


def _validated(model: type[M], data: Any, prefix: str = "") -> M:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        errors = [{**e, "loc": (prefix, *e["loc"]) if prefix else e["loc"]} for e in error.errors()]
        raise validation_problem(errors) from None


def build_app(gateway: Gateway, *, lifespan: Any = None) -> FastAPI:
    app = FastAPI(
        title="Kubernaut gateway",
        version=__version__,
        description="Signals in: Alertmanager, Kubernetes Events, CloudWatch alarms (SNS) and "
        "a generic webhook become RemediationRequests. See docs/gateway.md.",
        lifespan=lifespan,
    )
    install_problem_handlers(app)

    @app.post(
        "/api/v1/signals/prometheus",
        responses=BATCH_RESPONSES,
        response_model=None,
        summary="Alertmanager webhook (version 4)",
    )
    async def prometheus(payload: AlertmanagerWebhook) -> Response:
        try:
            signals = payload.signals()
        except SignalFormatError as error:
            raise Problem(400, str(error)) from None
        return await _ingest_all(gateway, signals)

    @app.post(
        "/api/v1/signals/kubernetes-event",
        responses=SIGNAL_RESPONSES,
        response_model=None,
        summary="A core/v1 or events.k8s.io/v1 Event",
    )
    async def kubernetes_event(event: KubernetesEvent) -> Response:
        if not event.is_warning:
            ignored = SignalResult(
                status=200,
                outcome=Outcome.IGNORED,
                signal=event.reason,
                reason="Normal events are not incidents; only Warning events are taken",
            )
            return _answer([ignored])
        try:
            signal = event.signal()
        except SignalFormatError as error:
            raise Problem(400, str(error)) from None
        return await _ingest_all(gateway, [signal])

    @app.post(
        "/api/v1/signals/webhook",
        responses=SIGNAL_RESPONSES,
        response_model=None,
        summary="One signal in Kubernaut's generic JSON schema",
    )
    async def webhook(payload: WebhookSignal) -> Response:
        return await _ingest_all(gateway, [payload.signal()])

    @app.post(
        "/api/v1/signals/cloudwatch",
        responses={**SIGNAL_RESPONSES, 403: {**_PROBLEM, "description": "Bad SNS signature"}},
        response_model=None,
        summary="Amazon SNS HTTP(S) delivery of CloudWatch alarms",
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    content_type: {"schema": SnsMessage.model_json_schema(by_alias=True)}
                    for content_type in ("text/plain", "application/json")
                },
            }
        },
    )
    async def cloudwatch(request: Request) -> Response:
        message = _validated(SnsMessage, _json_body(await request.body()))
        declared = request.headers.get("x-amz-sns-message-type")
        if declared and declared != message.type.value:
            raise Problem(
                400,
                f"x-amz-sns-message-type is {declared} but the body's Type is {message.type}",
                errors=[{"field": "Type", "message": "does not match x-amz-sns-message-type"}],
            )
        try:
            await gateway.sns.verify(message)
        except SignatureError as error:
            raise Problem(403, str(error), slug="bad-signature", title="Bad signature") from None
        except CertificateUnavailable as error:
            raise Problem(
                503,
                f"the signing certificate is unavailable: {error}",
                headers={"Retry-After": RETRY_AFTER},
            ) from None
        if message.type is SnsMessageType.NOTIFICATION:
            alarm = _validated(CloudWatchAlarm, _json_body(message.message.encode()), "Message")
            signal = alarm.signal()
            if signal is None:
                return _answer(
                    [
                        SignalResult(
                            status=200,
                            outcome=Outcome.IGNORED,
                            signal=alarm.alarm_name,
                            reason="INSUFFICIENT_DATA neither fires nor resolves",
                        )
                    ]
                )
            return await _ingest_all(gateway, [signal])
        return _answer([await _subscription(gateway, message)])

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> Response:
        checks = await gateway.checks()
        ready = all(check.ok for check in checks)
        body = {"ready": ready, "checks": [check.wire() for check in checks]}
        return JSONResponse(body, status_code=200 if ready else 503)

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(gateway.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            schema.setdefault("components", {})["securitySchemes"] = {
                "bearer": {"type": "http", "scheme": "bearer"},
                "basic": {"type": "http", "scheme": "basic"},
            }
            for path, operations in schema["paths"].items():
                if path.startswith("/api/v1/signals/"):
                    for operation in operations.values():
                        operation["security"] = [{"bearer": []}, {"basic": []}]
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.add_middleware(
        SignalGuard,
        authenticator=gateway.authenticator,
        limiter=gateway.limiter,
        metrics=gateway.metrics,
        max_body_bytes=gateway.settings.max_body_bytes,
    )
    return app


async def _subscription(gateway: Gateway, message: SnsMessage) -> SignalResult:
    """SubscriptionConfirmation: visit SubscribeURL when allowed and configured, else
    log it for a person to confirm. UnsubscribeConfirmation: noted only."""
    result = SignalResult(status=200, outcome=Outcome.IGNORED, signal=message.topic_arn)
    if message.type is SnsMessageType.UNSUBSCRIBE_CONFIRMATION:
        return result.model_copy(update={"reason": f"unsubscribed from {message.topic_arn}"})
    url = message.subscribe_url or ""
    if not gateway.settings.sns_confirm_subscriptions or not gateway.sns.allowed(url):
        logger.warning(
            "SNS subscription to %s awaits confirmation: visit %s", message.topic_arn, url
        )
        return result.model_copy(
            update={
                "reason": f"subscription to {message.topic_arn} not confirmed automatically; "
                "visit its SubscribeURL (logged) to confirm it"
            }
        )
    try:
        answer = await gateway.http.get(url)
        answer.raise_for_status()
    except Exception as error:
        raise Problem(
            503,
            f"confirming the subscription failed: {error}",
            headers={"Retry-After": RETRY_AFTER},
        ) from None
    logger.info("confirmed the SNS subscription to %s", message.topic_arn)
    return result.model_copy(update={"reason": f"subscription to {message.topic_arn} confirmed"})


def create_app(settings: GatewaySettings) -> FastAPI:
    """An app that opens its :class:`Gateway` at startup and closes it at shutdown."""
    gateway = Gateway(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            await gateway.start()
            yield
        finally:
            await gateway.aclose()

    return build_app(gateway, lifespan=lifespan)
