"""The channel interface: built from a URL, ``send(message) -> SendResult``, secrets masked.

A channel class declares its URL ``schemes`` and registers itself; :func:`build_channel`
turns a URL (``wecom://KEY``, ``smtp://user@host?to=…``, ``file://data/outbox``, or a vendor's
native webhook URL) into a channel, or raises :class:`ChannelURLError` with a Chinese message.

Bot channels accept ``?base=http://127.0.0.1:PORT`` to send to another server than the vendor's
(a test's fake bot, a proxy): the base replaces scheme, host and port of the vendor's URL.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Protocol
from urllib.parse import SplitResult, parse_qsl, quote, urlsplit

from alerts.channels import redaction
from alerts.channels.pacing import Pacer
from alerts.errors import ChannelURLError
from alerts.message import Message
from alerts.results import SendResult

if TYPE_CHECKING:  # httpx is imported when a channel first sends: every command's settings
    import httpx  # check channel URLs, and loading httpx costs ~0.1 s

MASK = "***"

PartProgress = Callable[[int], None]
"""Told, after each part of a split message is accepted, how many parts are accepted so far
(from the message's first part): the outbox records it, so a sender that dies mid-message
resumes at the first part not yet accepted."""


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class BotPacer(Protocol):
    """Blocks until one more message may go to a bot; returns the seconds waited."""

    def wait(self) -> float: ...


@dataclass
class ChannelContext:
    """What a channel needs from the world, injectable for tests: clocks, sleep, timeout.

    Pacers live here, keyed per bot, so that every channel built on the same context shares
    the vendor's rate budget of that bot.
    """

    now: Callable[[], dt.datetime] = _utcnow
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    timeout: float = 10.0
    # (key, limit, window) → pacer; None: one Pacer per bot in this process. The worker engine
    # passes one kept in the database, so consecutive sends on any worker share the budget.
    pacer_factory: Callable[[str, int, float], BotPacer] | None = None
    _pacers: dict[str, BotPacer] = field(default_factory=dict, repr=False)
    _client: httpx.Client | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def pacer(self, key: str, limit: int, window: float) -> BotPacer:
        with self._lock:
            pacer = self._pacers.get(key)
            if pacer is None:
                if self.pacer_factory is not None:
                    pacer = self.pacer_factory(key, limit, window)
                else:
                    pacer = Pacer(limit, window, self.clock, self.sleep)
                self._pacers[key] = pacer
            return pacer

    def http(self) -> httpx.Client:
        """One HTTP client per context: building one costs ~0.1 s (TLS set-up)."""
        import httpx

        with self._lock:
            if self._client is None:
                self._client = httpx.Client(timeout=self.timeout, follow_redirects=False)
            return self._client

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None


DEFAULT_CONTEXT = ChannelContext()


class Channel(ABC):
    """One destination. Subclasses parse their URL in :meth:`_configure`."""

    schemes: ClassVar[tuple[str, ...]] = ()
    options: ClassVar[frozenset[str]] = frozenset()
    label: ClassVar[str] = ""  # Chinese name for messages, e.g. "企业微信机器人"

    def __init__(self, url: str, context: ChannelContext | None = None) -> None:
        self.context = context or DEFAULT_CONTEXT
        self._secrets: list[str] = []
        self._raw_url = url
        parts = urlsplit(url.strip())
        self.scheme = parts.scheme.lower()
        query = parse_qsl(parts.query, keep_blank_values=True)
        unknown = sorted({k for k, _ in query} - self.options)
        if unknown:
            allowed = "、".join(sorted(self.options)) or "无"
            raise ChannelURLError(
                f"{self.label}地址含未知参数 {'、'.join(unknown)}（可用参数：{allowed}）"
            )
        self._query = dict(query)
        self._configure(parts, self._query)

    @abstractmethod
    def _configure(self, parts: SplitResult, query: dict[str, str]) -> None:
        """Read the URL; raise ChannelURLError (Chinese) when it cannot be used."""

    @abstractmethod
    def send(self, message: Message, progress: PartProgress | None = None) -> SendResult:
        """Try once to deliver ``message``. Never raises for a delivery problem.

        A channel that splits a message calls ``progress`` after each part it delivered."""

    @classmethod
    def accepts_native(cls, url: str) -> bool:
        """Whether ``url`` is this vendor's own webhook URL (https://…)."""
        return False

    # -- secrets --------------------------------------------------------------------------

    def _secret(self, value: str) -> str:
        """Remember a secret part of the URL so that it is masked wherever shown."""
        if value:
            # The URL may carry it percent-encoded: mask both spellings.
            for spelling in {value, quote(value, safe=""), quote(value)}:
                self._secrets.append(spelling)
                redaction.remember(spelling)
        return value

    @property
    def has_secret(self) -> bool:
        return bool(self._secrets)

    def redact(self, text: str) -> str:
        for value in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(value, MASK)
        return text

    def masked_url(self) -> str:
        return self.redact(self._raw_url)

    def __str__(self) -> str:
        return self.masked_url()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.masked_url()}>"


_REGISTRY: dict[str, type[Channel]] = {}


def register(cls: type[Channel]) -> type[Channel]:
    """Class decorator: make ``cls`` buildable from its URL schemes; refuse duplicates."""
    if not cls.schemes:
        raise TypeError(f"{cls.__name__} declares no URL scheme")
    for scheme in cls.schemes:
        existing = _REGISTRY.get(scheme)
        if existing is not None and existing is not cls:
            raise TypeError(
                f"scheme {scheme!r} already registered by {existing.__name__}; "
                f"{cls.__name__} cannot take it"
            )
    for scheme in cls.schemes:
        _REGISTRY[scheme] = cls
    return cls


def registered() -> dict[str, type[Channel]]:
    """Scheme → channel class (a copy)."""
    return dict(_REGISTRY)


def build_channel(url: str, context: ChannelContext | None = None) -> Channel:
    """The channel a URL names, or :class:`ChannelURLError` saying in Chinese what is wrong."""
    text = (url or "").strip()
    if not text:
        raise ChannelURLError("渠道地址为空")
    scheme = urlsplit(text).scheme.lower()
    if not scheme or "://" not in text:
        raise ChannelURLError(f"渠道地址缺少协议，应形如 {_examples()}")
    cls = _REGISTRY.get(scheme)
    if cls is None:
        native = [c for c in set(_REGISTRY.values()) if c.accepts_native(text)]
        if native:
            cls = native[0]
    if cls is None:
        raise ChannelURLError(f"不支持的渠道协议 {scheme}://，可用：{_examples()}")
    return cls(text, context)


def _examples() -> str:
    return "、".join(f"{s}://" for s in sorted(_REGISTRY))


def require(condition: bool, message: str) -> None:
    if not condition:
        raise ChannelURLError(message)


def split_list(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.replace("，", ",").split(",") if v.strip())


def unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))
