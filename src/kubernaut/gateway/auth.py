"""Who may send signals: bearer tokens (from the environment, a file, or a Secret) and,
optionally, any token the API server authenticates through a TokenReview (such as a
service-account token). SNS cannot send a bearer token, so HTTP Basic credentials are
accepted too, the password being the token (``https://sns:<token>@gateway/...``)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
from dataclasses import dataclass

from kubernaut.gateway.cache import TtlCache
from kubernaut.gateway.settings import GatewaySettings
from kubernaut.kube import KubeClient, KubeError
from kubernaut.kube.errors import KubeApiError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Principal:
    name: str
    """Who sent it: a token's name, or the user a TokenReview named."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def presented_token(authorization: str) -> str | None:
    scheme, _, value = authorization.strip().partition(" ")
    value = value.strip()
    if not value:
        return None
    if scheme.lower() == "bearer":
        return value
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        return decoded.partition(":")[2] or None
    return None


class Authenticator:
    def __init__(self, settings: GatewaySettings, client: KubeClient) -> None:
        self.settings = settings
        self.client = client
        self._static = {
            _digest(token): Principal(f"token-{_digest(token)[:8]}")
            for token in settings.gateway_tokens
        }
        self._file: dict[str, Principal] = {}
        self._file_stamp: float | None = None
        self._secret: TtlCache[str, dict[str, Principal]] = TtlCache(settings.auth_cache_seconds)
        self._reviews: TtlCache[str, Principal | None] = TtlCache(settings.auth_cache_seconds)

    @property
    def configured(self) -> bool:
        s = self.settings
        return bool(s.gateway_tokens or s.gateway_token_file or s.gateway_token_secret) or (
            s.gateway_token_review
        )

    async def authenticate(self, authorization: str) -> Principal | None:
        token = presented_token(authorization)
        if token is None:
            return None
        digest = _digest(token)
        known = self._static.get(digest) or self._from_file().get(digest)
        if known is None and self.settings.gateway_token_secret:
            known = (await self._from_secret()).get(digest)
        if known is None and self.settings.gateway_token_review:
            known = await self._review(token, digest)
        return known

    def _from_file(self) -> dict[str, Principal]:
        path = self.settings.gateway_token_file
        if path is None:
            return {}
        try:
            stamp = path.stat().st_mtime
            if stamp != self._file_stamp:
                lines = [line.strip() for line in path.read_text().splitlines()]
                self._file = {
                    _digest(line): Principal(f"{path.name}:{number}")
                    for number, line in enumerate(lines, 1)
                    if line and not line.startswith("#")
                }
                self._file_stamp = stamp
        except OSError as error:
            logger.warning("cannot read the token file %s: %s", path, error)
            return {}
        return self._file

    async def _from_secret(self) -> dict[str, Principal]:
        name = str(self.settings.gateway_token_secret)
        cached = self._secret.get(name)
        if cached is not None:
            return cached
        secret = await self.client.get("v1", "Secret", self.settings.namespace, name)
        found: dict[str, Principal] = {}
        for key, value in ((secret or {}).get("data") or {}).items():
            try:
                token = base64.b64decode(str(value)).decode().strip()
            except (binascii.Error, UnicodeDecodeError):
                continue
            if token:
                found[_digest(token)] = Principal(f"secret/{name}:{key}")
        if secret is None:
            logger.warning("the token Secret %s/%s does not exist", self.settings.namespace, name)
        self._secret.put(name, found)
        return found

    async def _review(self, token: str, digest: str) -> Principal | None:
        if (cached := self._reviews.get(digest)) is not None:
            return cached
        review = {
            "apiVersion": "authentication.k8s.io/v1",
            "kind": "TokenReview",
            "spec": {"token": token},
        }
        try:
            answer = await self.client.create(review)
        except KubeApiError as error:
            raise KubeError(f"the TokenReview failed: {error}") from error
        status = answer.get("status") or {}
        principal = None
        if status.get("authenticated"):
            principal = Principal(str((status.get("user") or {}).get("username") or "reviewed"))
            self._reviews.put(digest, principal)
        return principal
