"""The polite fetcher: one shared httpx.AsyncClient behind caps, intervals and a retry policy.

- a global concurrency cap, and per host a concurrency cap and a minimum interval between
  request starts (all settings);
- retries for network errors, timeouts, 5xx, 418 and 429, with exponential backoff and jitter,
  honouring ``Retry-After`` clamped to a setting; every request and retry is counted per account.

The retry loop is written out rather than built with tenacity because the wait depends on the
response (Retry-After) and must be taken outside the concurrency slots; it is a dozen lines.
Redirects are not followed: a redirect to a login page is a login wall for the collector to see.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from types import TracebackType
from typing import Protocol
from urllib.parse import urlsplit

import httpx

from collectors.base import Clock, Page
from collectors.errors import CollectError, MalformedResponse, NetworkError, RateLimited
from collectors.settings import CollectorsSettings

log = logging.getLogger("govmon.collectors")

RATE_LIMIT_STATUSES = frozenset({418, 429, 432})
RETRY_RATE_STATUSES = frozenset({418, 429})

Sleep = Callable[[float], Awaitable[None]]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def parse_retry_after(value: str, now: dt.datetime) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date); None if unreadable."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())


@dataclass(frozen=True)
class RetryPolicy:
    """How many times to retry what, and how long to wait in between."""

    attempts: int = 3  # retries after the first try
    backoff: float = 1.0
    backoff_max: float = 30.0
    retry_after_max: float = 120.0

    @classmethod
    def from_settings(cls, settings: CollectorsSettings) -> RetryPolicy:
        return cls(
            attempts=settings.retry_attempts,
            backoff=settings.retry_backoff_seconds,
            backoff_max=settings.retry_backoff_max_seconds,
            retry_after_max=settings.retry_after_max_seconds,
        )

    @staticmethod
    def retries_status(status: int) -> bool:
        return status >= 500 or status in RETRY_RATE_STATUSES

    def wait(self, retry: int, retry_after: float | None, rng: random.Random) -> float:
        """Seconds before retry number ``retry`` (1-based)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.retry_after_max)
        ceiling = min(self.backoff * 2 ** (retry - 1), self.backoff_max)
        return ceiling / 2 + rng.uniform(0, ceiling / 2)  # "equal jitter": never zero, spread


@dataclass
class RequestStats:
    requests: int = 0
    retries: int = 0


class HostPacer(Protocol):
    """Who may start a request to a host, and when: a concurrency slot plus the minimum
    interval between request starts. The default paces one process; several workers sharing a
    platform use one kept in the database (monitor.workers.pacing), so the bound holds across
    processes and machines."""

    def slot(self, host: str) -> AbstractAsyncContextManager[None]:
        """One of the host's concurrency slots, held while a request to it is in flight."""
        ...

    async def wait_turn(self, host: str) -> None:
        """Return when a request to ``host`` may start: called last before sending, so no
        other wait can come between the turn and the request's start."""
        ...


@dataclass
class _HostGate:
    semaphore: asyncio.Semaphore
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_start: float = 0.0


class LocalPacer:
    """Per-host caps and intervals within one process (one event loop)."""

    def __init__(self, settings: CollectorsSettings) -> None:
        self.settings = settings
        self._hosts: dict[str, _HostGate] = {}

    def _gate(self, host: str) -> _HostGate:
        gate = self._hosts.get(host)
        if gate is None:
            gate = _HostGate(asyncio.Semaphore(self.settings.per_host_concurrency))
            self._hosts[host] = gate
        return gate

    def slot(self, host: str) -> AbstractAsyncContextManager[None]:
        return self._gate(host).semaphore  # the semaphore itself: no generator per request

    async def wait_turn(self, host: str) -> None:
        """Wait until this host's minimum interval since the previous request start has passed.

        The lock is held while waiting, and the next slot is counted from the actual start,
        so a late wake-up never lets two starts come closer than the interval.
        """
        interval = self.settings.per_host_min_interval_seconds
        if interval <= 0:
            return
        gate = self._gate(host)
        async with gate.lock:
            wait = gate.next_start - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            gate.next_start = time.monotonic() + interval


class PoliteClient:
    """Shared by every account of a run; hand each account its own :meth:`session`."""

    def __init__(
        self,
        settings: CollectorsSettings,
        *,
        client: httpx.AsyncClient | None = None,
        clock: Clock = utcnow,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
        pacer: HostPacer | None = None,
    ) -> None:
        self.settings = settings
        self.policy = RetryPolicy.from_settings(settings)
        self._own_client = client is None
        self._client = client or httpx.AsyncClient(
            timeout=httpx.Timeout(settings.timeout_seconds),
            limits=httpx.Limits(
                max_connections=settings.max_concurrency,
                max_keepalive_connections=settings.max_concurrency,
            ),
            headers={"User-Agent": settings.user_agent},
            follow_redirects=False,
            proxy=settings.proxy or None,
        )
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random(0)
        self._global = asyncio.Semaphore(settings.max_concurrency)
        self._pacer: HostPacer = pacer or LocalPacer(settings)
        self.totals = RequestStats()

    async def __aenter__(self) -> PoliteClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._own_client:
            await self._client.aclose()

    def session(self) -> AccountFetcher:
        return AccountFetcher(self)

    async def get(
        self,
        url: str,
        stats: RequestStats,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Page:
        host = urlsplit(url).netloc.lower()
        retry = 0
        while True:
            retry_after: float | None = None
            failure: CollectError
            try:
                page = await self._once(url, host, stats, params, headers)
            except httpx.TimeoutException:
                failure = NetworkError(
                    f"请求 {host} 超时（{self.settings.timeout_seconds:g} 秒）", url=url
                )
            except httpx.TransportError as exc:
                failure = NetworkError(f"无法连接 {host}（{type(exc).__name__}）", url=url)
            else:
                if not self.policy.retries_status(page.status):
                    if page.status in RATE_LIMIT_STATUSES:
                        raise self._rate_limited(page, host)
                    return page
                retry_after = parse_retry_after(page.header("retry-after"), self._clock())
                if page.status in RATE_LIMIT_STATUSES:
                    failure = self._rate_limited(page, host)
                else:
                    failure = NetworkError(f"{host} 服务器错误（HTTP {page.status}）", url=url)
            if retry >= self.policy.attempts:
                if retry:
                    failure.text += f"，已重试 {retry} 次"
                raise failure
            retry += 1
            stats.retries += 1
            self.totals.retries += 1
            wait = self.policy.wait(retry, retry_after, self._rng)
            log.debug("retry %d for %s in %.2fs (%s)", retry, url, wait, failure.kind)
            await self._sleep(wait)

    def _rate_limited(self, page: Page, host: str) -> RateLimited:
        retry_after = parse_retry_after(page.header("retry-after"), self._clock())
        return RateLimited(
            f"{host} 限制访问频率（HTTP {page.status}），稍后再试",
            retry_after=retry_after,
            url=page.url,
        )

    async def _once(
        self,
        url: str,
        host: str,
        stats: RequestStats,
        params: Mapping[str, str] | None,
        headers: Mapping[str, str] | None,
    ) -> Page:
        # Built before taking a slot: a slot is held only for the request itself.
        request = self._client.build_request(
            "GET", url, params=dict(params) if params else None, headers=headers
        )
        async with self._pacer.slot(host), self._global:
            await self._pacer.wait_turn(host)
            stats.requests += 1
            self.totals.requests += 1
            response = await self._client.send(request, stream=True)
            try:
                content = await self._read_capped(response)
            finally:
                await response.aclose()
        # Let the request that was waiting for this slot start before this one's page is
        # parsed: otherwise every slot stays idle for the parsing of the previous answer.
        await asyncio.sleep(0)
        log.debug("GET %s -> %d (%d bytes)", request.url, response.status_code, len(content))
        return Page(
            url=str(request.url),
            status=response.status_code,
            headers={k.lower(): v for k, v in response.headers.items()},
            content=content,
            fetched_at=self._clock(),
        )

    async def _read_capped(self, response: httpx.Response) -> bytes:
        limit = self.settings.max_response_bytes
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > limit:
                raise MalformedResponse(
                    f"响应超过 {limit} 字节上限（collectors.max_response_bytes）",
                    url=str(response.request.url),
                )
            chunks.append(chunk)
        return b"".join(chunks)


class AccountFetcher:
    """The fetcher one account's collection uses; counts its own requests and retries."""

    def __init__(self, client: PoliteClient) -> None:
        self._client = client
        self.stats = RequestStats()

    async def get(
        self,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Page:
        return await self._client.get(url, self.stats, params=params, headers=headers)
