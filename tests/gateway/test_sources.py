"""Kubernetes Events, the generic webhook and CloudWatch alarms through SNS, each turned
into the same kind of RemediationRequest (or refused, or ignored, with the reason)."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from gateway_support import AUTH, remediations, settings_for

from kubernaut.gateway.app import build_app
from kubernaut.gateway.runtime import Gateway
from kubernaut.kube import KubeClient
from kubernaut.sim.server import Simulator

TOPIC = "arn:aws:sns:eu-west-1:123456789012:kubernaut"


def _event(kind: str = "Pod", name: str = "", event_type: str = "Warning") -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": "e1", "namespace": "shop"},
        "involvedObject": {"kind": kind, "name": name, "namespace": "shop"},
        "reason": "BackOff",
        "message": "Back-off restarting failed container",
        "type": event_type,
    }


async def test_warning_events_start_remediations_and_normal_ones_are_ignored(
    http: httpx.AsyncClient, kube: KubeClient
) -> None:
    pod = (await kube.list("v1", "Pod", "shop", "app=checkout"))[0]["metadata"]["name"]
    created = await http.post("/api/v1/signals/kubernetes-event", json=_event(name=pod))
    assert created.status_code == 201, created.text
    modern = {
        "apiVersion": "events.k8s.io/v1",
        "kind": "Event",
        "regarding": {"kind": "Deployment", "name": "checkout", "namespace": "shop"},
        "reason": "BackOff",
        "note": "again",
        "type": "Warning",
    }
    again = await http.post("/api/v1/signals/kubernetes-event", json=modern)
    assert again.status_code == 202
    assert again.json()["remediation"] == created.json()["remediation"]
    normal = await http.post(
        "/api/v1/signals/kubernetes-event", json=_event(name=pod, event_type="Normal")
    )
    assert normal.status_code == 200 and normal.json()["outcome"] == "ignored"
    [rr] = await remediations(kube)
    assert rr["spec"]["signal"]["source"] == "kubernetes-event"
    assert rr["spec"]["priority"] == "P1"  # production x warning


async def test_generic_webhook_schema(http: httpx.AsyncClient, kube: KubeClient) -> None:
    signal = {
        "name": "CheckoutErrorBudgetBurn",
        "severity": "critical",
        "target": {"kind": "Deployment", "namespace": "shop", "name": "checkout"},
        "summary": "error budget burning 14x",
        "labels": {"team": "payments"},
    }
    created = await http.post("/api/v1/signals/webhook", json=signal)
    assert created.status_code == 201, created.text
    out_of_scope = await http.post(
        "/api/v1/signals/webhook",
        json={**signal, "target": {"kind": "Deployment", "namespace": "sandbox", "name": "x"}},
    )
    assert out_of_scope.status_code == 200
    assert out_of_scope.json()["outcome"] == "out-of-scope"
    assert "namespace sandbox" in out_of_scope.json()["reason"]
    bad = await http.post(
        "/api/v1/signals/webhook", json={**signal, "target": {"kind": "Deployment"}}
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "target.name"
    unknown = await http.post("/api/v1/signals/webhook", json={**signal, "colour": "red"})
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "colour"
    [rr] = await remediations(kube)
    assert rr["spec"]["signal"]["labels"] == {"team": "payments"}
    assert rr["spec"]["signal"]["summary"] == "error budget burning 14x"


class SnsFixture:
    """A signing key, its self-signed certificate served on localhost, and a
    SubscribeURL that records its visits."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.localhost")])
        now = datetime.now(UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=1))
            .sign(self.key, hashes.SHA256())
        )
        pem = certificate.public_bytes(serialization.Encoding.PEM)
        self.confirmations: list[str] = []
        fixture = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path.startswith("/confirm"):
                    fixture.confirmations.append(self.path)
                    body = b"<ConfirmSubscriptionResponse/>"
                else:
                    body = pem
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def message(self, kind: str, body: str, version: str = "2", **extra: str) -> dict[str, str]:
        message = {
            "Type": kind,
            "MessageId": "b1946ac9-0000-4000-8000-000000000000",
            "TopicArn": TOPIC,
            "Message": body,
            "Timestamp": "2024-05-01T12:00:00.000Z",
            "SignatureVersion": version,
            "SigningCertURL": f"{self.base}/SimpleNotificationService.pem",
            **extra,
        }
        if kind == "Notification":
            message["Subject"] = "ALARM: checkout"
            fields = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
        else:
            fields = ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token"]
            fields += ["TopicArn", "Type"]
        text = "".join(f"{f}\n{message[f]}\n" for f in fields).encode()
        digest = hashes.SHA1() if version == "1" else hashes.SHA256()
        signature = self.key.sign(text, padding.PKCS1v15(), digest)
        message["Signature"] = base64.b64encode(signature).decode()
        return message


@pytest.fixture
def sns() -> Iterator[SnsFixture]:
    fixture = SnsFixture()
    yield fixture
    fixture.server.shutdown()


@pytest.fixture
async def sns_http(cluster: Simulator, sns: SnsFixture) -> AsyncIterator[httpx.AsyncClient]:
    gateway = Gateway(settings_for(cluster, sns_cert_url_pattern=rf"^{sns.base}/"))
    transport = httpx.ASGITransport(app=build_app(gateway))
    async with httpx.AsyncClient(transport=transport, base_url="http://gw", headers=AUTH) as c:
        yield c
    await gateway.aclose()


def _alarm(state: str) -> str:
    return json.dumps(
        {
            "AlarmName": "checkout-5xx",
            "AlarmDescription": "severity: critical",
            "NewStateValue": state,
            "NewStateReason": "Threshold crossed",
            "StateChangeTime": "2024-05-01T12:00:00.000+0000",
            "Region": "EU (Ireland)",
            "Trigger": {
                "MetricName": "5xx",
                "Namespace": "ContainerInsights",
                "Dimensions": [
                    {"name": "Namespace", "value": "shop"},
                    {"name": "Deployment", "value": "checkout"},
                ],
            },
        }
    )


def _post(http: httpx.AsyncClient, message: dict[str, str]) -> Any:
    return http.post(
        "/api/v1/signals/cloudwatch",
        content=json.dumps(message),
        headers={
            "Content-Type": "text/plain; charset=UTF-8",
            "x-amz-sns-message-type": message["Type"],
        },
    )


async def test_cloudwatch_alarm_fires_and_ok_resolves(
    sns_http: httpx.AsyncClient, sns: SnsFixture, kube: KubeClient
) -> None:
    fired = await _post(sns_http, sns.message("Notification", _alarm("ALARM")))
    assert fired.status_code == 201, fired.text
    assert fired.json()["priority"] == "P0"
    again = await _post(sns_http, sns.message("Notification", _alarm("ALARM"), version="1"))
    assert again.status_code == 202
    ok = await _post(sns_http, sns.message("Notification", _alarm("OK")))
    assert ok.json()["outcome"] == "resolved"
    [rr] = await remediations(kube)
    assert rr["spec"]["signal"]["source"] == "cloudwatch"
    assert rr["spec"]["target"] == {"kind": "Deployment", "namespace": "shop", "name": "checkout"}
    assert rr["status"]["signalResolvedAt"]


async def test_cloudwatch_signatures_are_checked(
    sns_http: httpx.AsyncClient, sns: SnsFixture, kube: KubeClient
) -> None:
    forged = sns.message("Notification", _alarm("ALARM"))
    forged["Message"] = _alarm("ALARM").replace("checkout", "payments")
    refused = await _post(sns_http, forged)
    assert refused.status_code == 403
    assert "signature does not match" in refused.json()["detail"]
    elsewhere = {**sns.message("Notification", _alarm("ALARM"))}
    elsewhere["SigningCertURL"] = "https://attacker.example/cert.pem"
    refused = await _post(sns_http, elsewhere)
    assert refused.status_code == 403 and "not an allowed" in refused.json()["detail"]
    assert await remediations(kube) == []


async def test_subscription_confirmation_visits_the_subscribe_url(
    sns_http: httpx.AsyncClient, sns: SnsFixture
) -> None:
    confirmation = sns.message(
        "SubscriptionConfirmation",
        "You have chosen to subscribe",
        SubscribeURL=f"{sns.base}/confirm?Token=abc",
        Token="abc",
    )
    answer = await _post(sns_http, confirmation)
    assert answer.status_code == 200, answer.text
    assert "confirmed" in answer.json()["reason"]
    assert sns.confirmations == ["/confirm?Token=abc"]
