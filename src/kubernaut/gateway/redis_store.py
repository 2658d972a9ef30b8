"""The Redis store: fingerprint keys with a TTL, storm windows as sorted sets. After a
failure Redis is left alone for a short while, so an outage costs one timeout, not one
per signal; every later call tries again, so the fast path comes back by itself."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import redis.asyncio as redis
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

from kubernaut.gateway.store import StoreUnavailable

logger = logging.getLogger(__name__)

T = TypeVar("T")

_FORGET = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""


class RedisStore:
    kind = "redis"

    def __init__(
        self,
        url: str,
        *,
        prefix: str,
        ttl_seconds: int,
        window_seconds: int,
        timeout: float = 0.5,
        retry_after: float = 2.0,
    ) -> None:
        self.url = url
        self.prefix = prefix
        self.ttl_seconds = ttl_seconds
        self.window_seconds = window_seconds
        self.retry_after = retry_after
        self._client = redis.Redis.from_url(
            url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 0),
            decode_responses=True,
        )
        self._resting_until = 0.0
        self.last_error = ""

    async def _call(self, operation: Callable[[], Awaitable[T]]) -> T:
        if time.monotonic() < self._resting_until:
            raise StoreUnavailable(f"Redis at {self.url} failed recently: {self.last_error}")
        try:
            return await operation()
        except (RedisError, OSError) as error:
            self.last_error = f"{type(error).__name__}: {error}"
            self._resting_until = time.monotonic() + self.retry_after
            raise StoreUnavailable(f"Redis at {self.url}: {self.last_error}") from error

    def _key(self, fingerprint: str) -> str:
        return f"{self.prefix}rr:{fingerprint}"

    async def remediation_for(self, fingerprint: str) -> str | None:
        async def get() -> str | None:
            value = await self._client.get(self._key(fingerprint))
            return str(value) if value is not None else None

        return await self._call(get)

    async def remember(self, fingerprint: str, remediation: str) -> None:
        async def put() -> None:
            await self._client.set(self._key(fingerprint), remediation, ex=self.ttl_seconds)

        await self._call(put)

    async def forget(self, fingerprint: str, remediation: str) -> None:
        async def delete() -> None:
            await self._client.eval(_FORGET, 1, self._key(fingerprint), remediation)

        await self._call(delete)

    async def storm_window(self, key: str, member: str, now: float) -> list[str]:
        redis_key = f"{self.prefix}storm:{key}"

        async def record() -> list[str]:
            async with self._client.pipeline(transaction=True) as pipe:
                pipe.zadd(redis_key, {member: now})
                pipe.zremrangebyscore(redis_key, "-inf", now - self.window_seconds)
                pipe.zrange(redis_key, 0, -1)
                pipe.expire(redis_key, self.window_seconds * 2)
                results = await pipe.execute()
            return [str(m) for m in results[2]]

        return await self._call(record)

    async def check(self) -> None:
        async def ping() -> None:
            await self._client.ping()

        self._resting_until = 0.0
        await self._call(ping)

    async def aclose(self) -> None:
        """Close the connections; a Redis too slow or gone to say goodbye to does not stop
        the gateway from shutting down."""
        try:
            await self._client.aclose()
        except (RedisError, OSError) as error:
            logger.info("closing the Redis connections: %s", error)
