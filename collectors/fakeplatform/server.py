"""A real HTTP server on 127.0.0.1 that answers like Weibo's mobile API, RSSHub and plain feeds.

It serves a :class:`FakeContent` (loaded from a directory or built in code), can be told to
fail per path (:class:`Fault`), adds optional latency, and records every request (path, host,
start and end on one monotonic clock) so tests can check concurrency caps and intervals.
Deterministic: same content, clock and faults → same bytes.

    with FakePlatform(content, clock=lambda: NOW) as fake:
        settings = CollectorsSettings(weibo={"base_url": fake.url})
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import json
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from collectors.fakeplatform import feeds, weibo_pages
from collectors.fakeplatform.content import FakeContent
from collectors.fakeplatform.faults import LOGIN_HTML, OK_MINUS_100, Fault
from collectors.settings import DEFAULT_RSSHUB_ROUTES

JSON_TYPE = "application/json; charset=utf-8"
RSS_TYPE = "application/rss+xml; charset=utf-8"
ATOM_TYPE = "application/atom+xml; charset=utf-8"


@dataclass(frozen=True)
class RequestRecord:
    method: str
    path: str
    query: Mapping[str, str]
    host: str
    headers: Mapping[str, str]  # lower-case names
    started: float  # time.monotonic() when the request line was read
    ended: float  # time.monotonic() when the answer was written
    status: int


@dataclass
class _Answer:
    status: int
    body: bytes
    content_type: str = JSON_TYPE
    headers: dict[str, str] = field(default_factory=dict)


def _route_patterns(routes: Mapping[str, str]) -> list[tuple[re.Pattern[str], str]]:
    patterns = []
    for platform, template in routes.items():
        regex = re.escape(template).replace(re.escape("{id}"), r"(?P<id>[^/]+)")
        patterns.append((re.compile(f"^{regex}$"), platform))
    return patterns


class FakePlatform:
    """Start with ``start()`` (or ``with``); ``url`` is ``http://127.0.0.1:<port>``."""

    def __init__(
        self,
        content: FakeContent | None = None,
        *,
        clock: Callable[[], dt.datetime] | None = None,
        time_style: str = "absolute",  # or "relative": 刚刚, N分钟前, 昨天 HH:MM, MM-DD …
        latency: float = 0.0,
        page_size: int = 10,
        comment_page_size: int = 10,
        routes: Mapping[str, str] = DEFAULT_RSSHUB_ROUTES,
        port: int = 0,
    ) -> None:
        self.content = content or FakeContent()
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self.time_style = time_style
        self.latency = latency
        self.page_size = page_size
        self.comment_page_size = comment_page_size
        self._routes = _route_patterns(routes)
        self._port = port
        self._faults: dict[str, list[Fault]] = {}
        self._pages: dict[str, _Answer] = {}
        self._log: list[RequestRecord] = []
        self._lock = threading.RLock()
        self._idle = threading.Condition(self._lock)
        self._in_flight = 0
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> FakePlatform:
        platform = self

        class Handler(_Handler):
            fake = platform

        server = ThreadingHTTPServer(("127.0.0.1", self._port), Handler)
        server.daemon_threads = True
        server.request_queue_size = 256
        self._server = server
        self._stopping.clear()
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakePlatform:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakePlatform is not started")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- configuration -----------------------------------------------------------------------

    def inject(self, path: str, fault: Fault) -> None:
        """Fail requests to ``path`` (exact path, no query; "*" for every path)."""
        with self._lock:
            self._faults.setdefault(path, []).append(fault)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def put_page(
        self, path: str, body: bytes, *, status: int = 200, content_type: str = JSON_TYPE
    ) -> None:
        """Serve a saved raw page at ``path`` (exact path, any query) instead of the model."""
        with self._lock:
            self._pages[path] = _Answer(status, body, content_type)

    def requests(self, path: str | None = None, *, settle: float = 2.0) -> list[RequestRecord]:
        """The recorded requests. A request is recorded once its answer is written, which can
        be just after the client has read it: wait (at most ``settle`` seconds) until no
        request is being answered, so a test reading the log right after a call sees it."""
        with self._idle:
            self._idle.wait_for(lambda: self._in_flight == 0, timeout=settle)
            return [r for r in self._log if path is None or r.path == path]

    def clear_log(self, *, settle: float = 2.0) -> None:
        """Forget the recorded requests, once those being answered are recorded (as in
        :meth:`requests`): else a request of the call before, recorded just after the clear,
        would count as one of the next (seen on a loaded machine)."""
        with self._idle:
            self._idle.wait_for(lambda: self._in_flight == 0, timeout=settle)
            self._log.clear()

    # -- answering ---------------------------------------------------------------------------

    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for key in (path, "*"):
                queue = self._faults.get(key)
                if not queue:
                    continue
                fault = queue[0]
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        queue.pop(0)
                return fault
        return None

    def _begin(self) -> None:
        with self._idle:
            self._in_flight += 1

    def _record(self, record: RequestRecord) -> None:
        with self._idle:
            self._log.append(record)

    def _end(self) -> None:
        with self._idle:
            self._in_flight -= 1
            self._idle.notify_all()

    def wait(self, seconds: float) -> None:
        """Sleep, but wake when the server stops (so a 'timeout' fault never blocks shutdown)."""
        if seconds > 0:
            self._stopping.wait(seconds)

    def answer(self, path: str, query: Mapping[str, str], headers: Mapping[str, str]) -> _Answer:
        self.wait(self.latency)
        fault = self._take_fault(path)
        if fault is not None:
            if fault.kind == "delay":
                self.wait(fault.delay)
            else:
                return self._fault_answer(fault, path, query, headers)
        return self._normal(path, query, headers)

    def _fault_answer(
        self, fault: Fault, path: str, query: Mapping[str, str], headers: Mapping[str, str]
    ) -> _Answer:
        if fault.kind == "status":
            extra = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            return _Answer(fault.status, fault.body, "text/plain; charset=utf-8", extra)
        if fault.kind == "login_html":
            # Echo the cookie like some walls do: proves it never reaches our logs or errors.
            page = LOGIN_HTML.replace("{cookie}", headers.get("cookie", ""))
            return _Answer(200, page.encode(), "text/html; charset=utf-8")
        if fault.kind == "login_redirect":
            location = "https://passport.weibo.cn/signin/welcome?entry=mweibo"
            return _Answer(302, b"", "text/html", {"Location": location})
        if fault.kind == "ok_minus_100":
            return _Answer(200, OK_MINUS_100.encode(), JSON_TYPE)
        if fault.kind == "empty":
            return _Answer(200, b"", JSON_TYPE)
        normal = self._normal(path, query, headers)  # "truncated"
        normal.body = normal.body[: max(1, len(normal.body) // 2)]
        normal.headers.pop("ETag", None)
        return normal

    def _normal(self, path: str, query: Mapping[str, str], headers: Mapping[str, str]) -> _Answer:
        with self._lock:
            saved = self._pages.get(path)
        if saved is not None:
            return _Answer(saved.status, saved.body, saved.content_type, dict(saved.headers))
        now = self.clock()
        if path == "/api/container/getIndex":
            return self._get_index(query, now)
        if path == "/statuses/extend":
            found = self.content.find_post(query.get("id", ""))
            if found is None:
                return _json({"ok": 0, "msg": "微博不存在或暂无查看权限!"})
            return _json(weibo_pages.long_text_page(found[1]))
        if path == "/comments/hotflow":
            found = self.content.find_post(query.get("id", "") or query.get("mid", ""))
            if found is None:
                return _json({"ok": 0, "msg": "快来发表你的评论吧"})
            return _json(
                weibo_pages.hotflow_page(
                    found[1],
                    _int(query.get("max_id")),
                    now,
                    self.time_style,
                    self.comment_page_size,
                )
            )
        if path == "/api/comments/show":
            found = self.content.find_post(query.get("id", ""))
            if found is None:
                return _json({"ok": 0, "msg": "还没有人评论哦~快来抢沙发！"})
            return _json(
                weibo_pages.comments_show_page(
                    found[1],
                    _int(query.get("page")) or 1,
                    now,
                    self.time_style,
                    self.comment_page_size,
                )
            )
        if path == "/comments/hotFlowChild":
            hit = self.content.find_comment(query.get("cid", ""))
            if hit is None:
                return _json({"ok": 0, "msg": "评论不存在"})
            return _json(
                weibo_pages.child_page(
                    hit[1],
                    hit[2],
                    _int(query.get("max_id")),
                    now,
                    self.time_style,
                    self.comment_page_size,
                )
            )
        return self._feed(path, headers, now)

    def _get_index(self, query: Mapping[str, str], now: dt.datetime) -> _Answer:
        uid = query.get("value", "")
        account = self.content.get("weibo", uid)
        if account is None or account.gone:
            return _json(weibo_pages.user_missing_page())
        containerid = query.get("containerid", "")
        if containerid.startswith("107603"):
            return _json(
                weibo_pages.posts_page(
                    account, query.get("since_id", ""), now, self.time_style, self.page_size
                )
            )
        return _json(weibo_pages.profile_page(account))

    def _feed(self, path: str, headers: Mapping[str, str], now: dt.datetime) -> _Answer:
        account = None
        kind = "rss"
        if match := re.match(r"^/feeds/([^/]+)/([^/]+)\.(xml|atom)$", path):
            account = self.content.get(match[1], match[2])
            kind = "atom" if match[3] == "atom" else "rss"
        else:
            for pattern, platform in self._routes:
                if route := pattern.match(path):
                    account = self.content.get(platform, route["id"])
                    break
        if account is None or account.gone:
            return _Answer(404, "未找到".encode(), "text/plain; charset=utf-8")
        body = (
            feeds.atom(account, self.url, now)
            if kind == "atom"
            else feeds.rss(account, self.url, now)
        )
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        modified = feeds.newest(account, now).astimezone(dt.UTC)
        last_modified = modified.strftime("%a, %d %b %Y %H:%M:%S GMT")
        validators = {"ETag": etag, "Last-Modified": last_modified}
        if headers.get("if-none-match") == etag or (
            "if-none-match" not in headers and headers.get("if-modified-since") == last_modified
        ):
            return _Answer(304, b"", "", validators)
        return _Answer(200, body, ATOM_TYPE if kind == "atom" else RSS_TYPE, validators)


def _json(data: Any) -> _Answer:
    return _Answer(200, json.dumps(data, ensure_ascii=False).encode())


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


class _Handler(BaseHTTPRequestHandler):
    fake: FakePlatform
    protocol_version = "HTTP/1.1"
    # Headers and body leave in one write, without Nagle: otherwise delayed ACKs add ~40 ms.
    disable_nagle_algorithm = True
    wbufsize = 1 << 16

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the request log replaces stderr noise

    def date_time_string(self, timestamp: float | None = None) -> str:
        # The Date header tells the fake's clock, as a real server tells its own: relative
        # times ("5分钟前") in the body count back from it.
        when = (
            self.fake.clock() if timestamp is None else dt.datetime.fromtimestamp(timestamp, dt.UTC)
        )
        return email.utils.format_datetime(when.astimezone(dt.UTC), usegmt=True)

    def do_GET(self) -> None:
        started = time.monotonic()
        self.fake._begin()
        try:
            parts = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
            headers = {k.lower(): v for k, v in self.headers.items()}
            answer = self.fake.answer(parts.path, query, headers)
            try:
                self.send_response(answer.status)
                if answer.content_type:
                    self.send_header("Content-Type", answer.content_type)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                if answer.body:
                    self.wfile.write(answer.body)
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up (a timeout test)
            self.fake._record(
                RequestRecord(
                    method="GET",
                    path=parts.path,
                    query=query,
                    host=headers.get("host", ""),
                    headers=headers,
                    started=started,
                    ended=time.monotonic(),
                    status=answer.status,
                )
            )
        finally:
            self.fake._end()
