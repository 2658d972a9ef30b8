"""Amazon SNS HTTP(S) deliveries: the envelope, and its signature checked against the
signing certificate named in ``SigningCertURL`` (fetched only from allowed URLs).

SignatureVersion 1 is SHA1withRSA, 2 is SHA256withRSA, both over the canonical string
SNS documents: the message's fields as ``Name\\nvalue\\n`` pairs in a fixed order."""

from __future__ import annotations

import base64
import binascii
import enum
import re
from typing import Literal

import httpx
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from pydantic import BaseModel, ConfigDict, Field

from kubernaut.gateway.cache import TtlCache

CERT_CACHE_SECONDS = 3600.0


class SnsMessageType(enum.StrEnum):
    NOTIFICATION = "Notification"
    SUBSCRIPTION_CONFIRMATION = "SubscriptionConfirmation"
    UNSUBSCRIBE_CONFIRMATION = "UnsubscribeConfirmation"


class SnsMessage(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    type: SnsMessageType = Field(alias="Type")
    message_id: str = Field(alias="MessageId", min_length=1)
    topic_arn: str = Field(alias="TopicArn", min_length=1)
    message: str = Field(alias="Message")
    timestamp: str = Field(alias="Timestamp", min_length=1)
    signature_version: Literal["1", "2"] = Field(alias="SignatureVersion")
    signature: str = Field(alias="Signature", min_length=1)
    signing_cert_url: str = Field(alias="SigningCertURL", min_length=1)
    subject: str | None = Field(default=None, alias="Subject")
    subscribe_url: str | None = Field(default=None, alias="SubscribeURL")
    unsubscribe_url: str | None = Field(default=None, alias="UnsubscribeURL")
    token: str | None = Field(default=None, alias="Token")

    def string_to_sign(self) -> bytes:
        if self.type is SnsMessageType.NOTIFICATION:
            fields: list[tuple[str, str | None]] = [
                ("Message", self.message),
                ("MessageId", self.message_id),
                ("Subject", self.subject),
                ("Timestamp", self.timestamp),
                ("TopicArn", self.topic_arn),
                ("Type", self.type.value),
            ]
        else:
            fields = [
                ("Message", self.message),
                ("MessageId", self.message_id),
                ("SubscribeURL", self.subscribe_url),
                ("Timestamp", self.timestamp),
                ("Token", self.token),
                ("TopicArn", self.topic_arn),
                ("Type", self.type.value),
            ]
        return "".join(f"{key}\n{value}\n" for key, value in fields if value is not None).encode()


class SignatureError(Exception):
    """The message is not provably from SNS; the text says why."""


class UrlNotAllowed(SignatureError):
    pass


class CertificateUnavailable(Exception):
    """The signing certificate could not be fetched (SNS will deliver again)."""


class SnsVerifier:
    """Checks signatures; certificates are cached by URL."""

    def __init__(self, allowed_url_pattern: str, http: httpx.AsyncClient) -> None:
        self._allowed = re.compile(allowed_url_pattern)
        self._http = http
        self._certificates: TtlCache[str, rsa.RSAPublicKey] = TtlCache(CERT_CACHE_SECONDS, 64)

    def allowed(self, url: str) -> bool:
        return bool(self._allowed.match(url))

    async def verify(self, message: SnsMessage) -> None:
        try:
            signature = base64.b64decode(message.signature, validate=True)
        except (binascii.Error, ValueError):
            raise SignatureError("Signature is not base64") from None
        key = await self._public_key(message.signing_cert_url)
        algorithm = hashes.SHA1() if message.signature_version == "1" else hashes.SHA256()
        try:
            key.verify(signature, message.string_to_sign(), padding.PKCS1v15(), algorithm)
        except InvalidSignature:
            raise SignatureError(
                "the signature does not match the message and its signing certificate"
            ) from None

    async def _public_key(self, url: str) -> rsa.RSAPublicKey:
        if not self.allowed(url):
            raise UrlNotAllowed(
                f"SigningCertURL {url!r} is not an allowed certificate URL (see "
                "KUBERNAUT_SNS_CERT_URL_PATTERN)"
            )
        cached = self._certificates.get(url)
        if cached is not None:
            return cached
        try:
            response = await self._http.get(url)
            response.raise_for_status()
        except httpx.HTTPError as error:
            raise CertificateUnavailable(f"fetching {url}: {error}") from error
        try:
            certificate = x509.load_pem_x509_certificate(response.content)
        except ValueError:
            raise SignatureError(f"{url} is not a PEM certificate") from None
        key = certificate.public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            raise SignatureError(f"{url} does not hold an RSA certificate")
        self._certificates.put(url, key)
        return key
