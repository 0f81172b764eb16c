"""`govmon demo`: the whole service on bundled sample data, offline, into a fresh folder.

A fictional provincial transport system (monitor/demo/data) is served by the fake platform on
127.0.0.1; the demo then runs what the daemon runs — collect, analyse, alert to the file
outbox, build the weekly digest — with the clock fixed at :func:`demo_now`, so it shows the
same problems whatever day it is run.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from analysis.labels import rule_title
from analysis.workdays import SHANGHAI
from collectors.fakeplatform import FakePlatform
from monitor.db import migrate
from monitor.db.engine import make_engine
from monitor.db.models import Account, Comment, Delivery, FindingRow, Post
from monitor.demo.content import (
    content_as_of,
    demo_accounts_csv,
    demo_collectors_settings,
    demo_now,
    load_demo_content,
)
from monitor.errors import InputError
from monitor.registry.reader import read_table
from monitor.registry.store import import_registry
from monitor.registry.validate import validate_table
from monitor.settings import Settings, settings_from_dict

if TYPE_CHECKING:
    from monitor.web.demo import DemoUser

Step = Callable[[str], None]

# Collected, analysed and alerted on four days before "now" as well: the first rumour is then
# still unclarified, so the demo shows an alert opening and, at "now", its resolution reported.
EARLIER = dt.timedelta(days=4)


class _Clock:
    """The demo's clock, shared with the example platform: four days ago, then "now"."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@dataclass
class DemoResult:
    out_dir: Path
    settings_file: Path
    accounts: int = 0
    posts: int = 0
    comments: int = 0
    open_findings: Counter[str] = field(default_factory=Counter)
    deliveries: int = 0
    outbox: Path | None = None
    digest_html: Path | None = None
    digest_workbook: Path | None = None
    digest_markdown: Path | None = None
    # The system digest's counts (DigestData.summary: the same figures its sections show).
    digest_summary: dict[str, Any] = field(default_factory=dict)
    now: dt.datetime | None = None  # the demo clock when the open findings were counted

    web_users: list[DemoUser] = field(default_factory=list)  # console users (issue 14)
    # Issue 15: what the first analysis did about sentiment (trained a model, or snownlp on
    # the digest window only), as `govmon analyze` says it.
    sentiment_notes: list[str] = field(default_factory=list)

    def summary_rows(self) -> list[tuple[str, str]]:
        """The closing table: every count with the moment it is true at, in the words of
        analysis.labels, read from the same places as the digest and ``govmon findings``."""
        rows = [
            ("账号", str(self.accounts)),
            ("帖子", str(self.posts)),
            ("评论", str(self.comments)),
        ]
        week = self.digest_summary
        if week:
            rows += [
                ("周报：各项状态截至", str(week["as_of"])),
                ("周报：未澄清传言", str(week["rumours_unclarified"])),
                ("周报：网民提问未答复", str(week["unanswered"])),
                ("周报：其中逾期", str(week["overdue"])),
                ("周报：未解决合规问题", str(week["findings_open"])),
            ]
        if self.now is not None:
            stamp = self.now.astimezone(SHANGHAI).strftime("%Y年%m月%d日 %H:%M")
            rows.append(("现在（演示时钟）", stamp))
        for rule, count in sorted(self.open_findings.items()):
            rows.append((f"现在未解决：{rule_title(rule)}", str(count)))
        rows.append(("写入发件箱的消息", str(self.deliveries)))
        return rows


def choose_out_dir(requested: Path | None, cwd: Path) -> Path:
    """A new folder: the one asked for (must be empty or absent), or govmon-demo[-N] here."""
    if requested is not None:
        if requested.exists() and any(requested.iterdir()):
            raise InputError(f"目录 {requested} 已有内容：请指定一个新的或空的目录（--out）")
        return requested
    for n in range(1, 1000):
        candidate = cwd / ("govmon-demo" if n == 1 else f"govmon-demo-{n}")
        if not candidate.exists():
            return candidate
    raise InputError(f"{cwd} 下已有太多 govmon-demo 目录，请用 --out 指定目录")


def _toml(table: str, values: dict[str, Any]) -> list[str]:
    """One TOML table and its sub-tables (strings, numbers, booleans: what the demo writes)."""
    lines = [f"[{table}]"]
    nested = []
    for key, value in values.items():
        if isinstance(value, dict):
            nested.append((key, value))
        else:  # JSON's strings, numbers and booleans are TOML's; the keys are bare words
            lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")
    for key, value in nested:
        lines += _toml(f"{table}.{key}", value)
    return lines


def _settings_text(out: Path, fake_url: str) -> str:
    """The settings the demo ran with, complete, for use after it: the database, outbox and
    digests it wrote, and the collectors that read its sample from the example platform.
    That platform lives only while `govmon demo` runs, so collection is switched off: a
    `govmon collect` on these settings says so, rather than failing on every account or
    reporting the websites (read through an RSS route, no 订阅地址) as 缺少订阅地址."""
    data = out / "data"
    lines = [
        "# govmon demo 生成的配置：可用 --config 指向它，继续查看演示数据，例如",
        f"#   govmon findings --open --config {out / 'settings.toml'}",
        f"#   govmon web --config {out / 'settings.toml'}",
        "[general]",
        f"data_dir = {json.dumps(data.as_posix(), ensure_ascii=False)}",
        f"log_file = {json.dumps((data / 'govmon.log').as_posix(), ensure_ascii=False)}",
        "[alerts]",
        f"outbox_dir = {json.dumps((out / 'outbox').as_posix(), ensure_ascii=False)}",
        "[digest]",
        f"out_dir = {json.dumps((out / 'digests').as_posix(), ensure_ascii=False)}",
        f"# 演示时采集的设置：示例平台 {fake_url} 只在 govmon demo 运行期间存在，演示结束即关闭，",
        "# 所以这里关闭了采集（enabled = false）。网站账号经其 RSS 路由（collectors.rss.routes）采集，",
        "# 不需要订阅地址。要采集真实账号，请另用 govmon init 生成配置，导入自己的备案登记表。",
    ]
    lines += _toml("collectors", {"enabled": False, **demo_collectors_settings(fake_url)})
    return "\n".join(lines) + "\n"


def demo_settings(settings_file: Path, fake_url: str) -> Settings:
    raw: dict[str, Any] = tomllib.loads(settings_file.read_text(encoding="utf-8"))
    raw["collectors"] = demo_collectors_settings(fake_url)  # enabled: the platform is up
    return settings_from_dict(raw, source=str(settings_file), base_dir=settings_file.parent)


def _sentiment_said(note: str, scored: int, result: DemoResult, say: Step) -> None:
    """The demo's comments hold far fewer emoticon-labelled examples than a deployment needs
    to train its own model (first_run_min_examples), so the demo shows the other first-run
    path: snownlp scores the digest window only."""
    if note:
        result.sentiment_notes.append(note)
        say(f"  情感：{note}")
    say(f"  情感：新打分 {scored} 条")


def run_demo(out: Path, step: Step | None = None) -> DemoResult:
    from monitor.pipeline.alerts import run_check
    from monitor.pipeline.analyze import analyze
    from monitor.pipeline.collect import run_collection
    from monitor.pipeline.digest import run_digest
    from monitor.pipeline.outbox import send_due

    def say(text: str) -> None:
        if step is not None:
            step(text)

    now = demo_now()
    # Absolute: the settings file names these folders, and is read from anywhere (--config).
    out = out.absolute()
    out.mkdir(parents=True, exist_ok=True)
    settings_file = out / "settings.toml"
    result = DemoResult(out_dir=out, settings_file=settings_file)

    # The demo replays four days: the platforms as they were then, collected, analysed and
    # alerted on then; then as they are now. Every message is dated by the clock that wrote it
    # and tells only what was known at that moment.
    clock = _Clock(now - EARLIER)
    content = load_demo_content(now)
    with FakePlatform(content_as_of(content, clock.now), clock=clock) as fake:
        settings_file.write_text(_settings_text(out, fake.url), encoding="utf-8")
        settings = demo_settings(settings_file, fake.url)
        engine = make_engine(settings.database_url())
        try:
            say("创建数据库")
            migrate.upgrade(engine)
            sessions = sessionmaker(engine, expire_on_commit=False)

            say("导入示例备案登记表（江东省交通运输厅）")
            registry = validate_table(read_table(demo_accounts_csv()))
            with sessions.begin() as session:
                import_registry(session, registry)

            say(f"采集（四天前）：示例平台 {fake.url}（微博接口与网站 RSS）")
            run_collection(engine, settings, clock=clock)
            say("分析（四天前）：情感、提问、规则、热点、谣言")
            analysis = analyze(engine, settings, clock=clock)
            _sentiment_said(analysis.sentiment_note, analysis.sentiment_scored, result, say)
            say("告警（四天前）：写入发件箱")
            run_check(engine, settings, clock=clock, evaluated_rules=analysis.rules)

            clock.now = now
            fake.content = content
            say("采集（今天）")
            run_collection(engine, settings, clock=clock)
            say("分析（今天）")
            analysis = analyze(engine, settings, clock=demo_now)
            _sentiment_said(analysis.sentiment_note, analysis.sentiment_scored, result, say)

            say("告警：写入发件箱并发送（文件发件箱）")
            run_check(engine, settings, clock=demo_now, evaluated_rules=analysis.rules)
            send_due(engine, settings, clock=demo_now)

            say("周报：上一周（含图表、Excel）")
            digests = run_digest(engine, settings, clock=demo_now, send=True)
            send_due(engine, settings, clock=demo_now)
            system = next((d for d in digests.built if d.unit_id is None), None)
            if system is not None:
                files = {kind: Path(path) for kind, path in system.files.items()}
                result.digest_html = files.get("html")
                result.digest_workbook = files.get("xlsx")
                result.digest_markdown = files.get("md")
                result.digest_summary = system.summary
            result.now = now

            with sessions() as session:
                result.accounts = session.scalar(select(func.count()).select_from(Account)) or 0
                result.posts = session.scalar(select(func.count()).select_from(Post)) or 0
                result.comments = session.scalar(select(func.count()).select_from(Comment)) or 0
                result.deliveries = session.scalar(select(func.count()).select_from(Delivery)) or 0
                rows = session.execute(
                    select(FindingRow.rule, func.count())
                    .where(FindingRow.state == "open")
                    .group_by(FindingRow.rule)
                )
                result.open_findings = Counter({rule: count for rule, count in rows})
            result.outbox = settings.alerts.outbox_dir

            # Issue 14: users of the web console, with one-time passwords.
            from monitor.web.demo import demo_users

            say("网页控制台：创建管理员和一个单位用户")
            result.web_users = demo_users(sessions)
        finally:
            engine.dispose()
    return result
