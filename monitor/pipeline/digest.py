"""`govmon digest`: the weekly 舆情 digest (第二十二、二十六条) of an ISO week, for the whole
system and for each unit (its subtree), written as HTML, Markdown and Excel, stored in
``digests`` and, with ``send``, queued in the outbox.

Only data of the week and the week before is read (comments up to the week's end), so
building the same week again gives the same content, whenever it is built.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import datetime as dt
import functools
import hashlib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine, or_, select
from sqlalchemy.orm import Session, sessionmaker

from alerts.charts import digest_charts
from alerts.digest_excel import workbook_rows, write_workbook
from alerts.digest_fonts import FontNotFound
from alerts.digest_render import RenderedDigest, render_digest
from alerts.message import Message
from alerts.routing import SETTINGS_REF, Route, UnitTree, channel_url, routes_for_unit
from alerts.settings import OUTBOX
from analysis.activity import Period
from analysis.compliance.text_flags import TextScorer
from analysis.compliance.unanswered_questions import match_answers
from analysis.digest import build_digests, digest_units, parse_week, week_label
from analysis.digest_inputs import DigestFinding, DigestInputs, DigestLimits, TopicFinder
from analysis.digest_model import SYSTEM_SCOPE, DigestData
from analysis.digest_tokens import RunFeaturizer
from analysis.digest_vectors import RunVectors
from analysis.labels import closure_label
from analysis.rumours import find_rumours
from analysis.topics.detect import topic_texts
from analysis.topics.features import featurizer_for
from analysis.topics.weekly import weekly_settings, weekly_topics
from analysis.workdays import SHANGHAI
from monitor.calendar import work_calendar
from monitor.db.models import Account, Delivery, Digest, FindingClosure, FindingRow, Unit
from monitor.errors import InputError
from monitor.pipeline.alerts import channel_display, load_tree
from monitor.pipeline.analyze import add_sentiment, text_cache
from monitor.pipeline.gc_freeze import frozen_between_collections
from monitor.settings import Settings
from monitor.store.collection_state import load_gaps
from monitor.store.frames import load_frames
from monitor.store.text_results import StoredTextCache

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
Progress = Callable[[str, int, int], None]
# Comment columns read only to match answers to questions and to find rumours.
_THREADING_ONLY = (
    "platform",
    "platform_comment_id",
    "parent_platform_id",
    "root_platform_id",
    "author_name",
)
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, or None elsewhere."""
    name = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    except OSError:
        return None


def release_freed_memory() -> None:
    """Hand the memory freed since to the system. glibc keeps what a scope's arrays and frames
    freed for later allocations; the next scope then allocates on top of it, and the process
    holds the largest scope's peak plus the next one's (~60 MiB of a province week)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def last_week(now: dt.datetime) -> str:
    """The ISO week (Asia/Shanghai) that ended most recently before ``now``."""
    year, week, _ = (now.astimezone(SHANGHAI).date() - dt.timedelta(days=7)).isocalendar()
    return week_label(year, week)


def scope_folder(scope: str) -> str:
    """A folder name for a scope (unit names may hold characters a file system refuses)."""
    return _UNSAFE.sub("_", scope).strip(" .") or "_"


@dataclass
class BuiltDigest:
    scope: str
    unit_id: int | None
    folder: Path
    files: dict[str, str]
    content_hash: str
    changed: bool  # content differs from the stored digest of the same week and scope
    summary: dict[str, Any]


@dataclass
class DigestRunSummary:
    week: str
    built: list[BuiltDigest] = field(default_factory=list)
    deliveries: int = 0
    already_queued: int = 0
    skipped: str = ""

    def describe(self) -> str:
        if self.skipped:
            return self.skipped
        text = f"{self.week} 生成 {len(self.built)} 份周报"
        if self.deliveries or self.already_queued:
            text += f"，写入发件箱 {self.deliveries} 条"
        if self.already_queued:
            text += f"（{self.already_queued} 条此前已写入，未重复）"
        return text


@dataclass(frozen=True)
class DigestInfo:
    week: str
    scope: str
    built_at: dt.datetime
    content_hash: str
    files: dict[str, Any]
    summary: dict[str, Any]


# -- reading ---------------------------------------------------------------------------------


def _findings(session: Session, since: dt.datetime, until: dt.datetime) -> list[DigestFinding]:
    units: dict[int, str] = {i: n for i, n in session.execute(select(Unit.id, Unit.name))}
    keys = {
        id_: f"{platform}:{pid}"
        for id_, platform, pid in session.execute(
            select(Account.id, Account.platform, Account.platform_id)
        )
    }
    rows = session.scalars(
        select(FindingRow)
        .where(
            FindingRow.first_seen < until,
            or_(FindingRow.resolved_at.is_(None), FindingRow.resolved_at >= since),
        )
        .order_by(FindingRow.id)
    )
    # A finding a person closed in the console (误报, 已线下答复) says so: its closing reason
    # is the person's, not "复查时问题已不存在".
    dismissed = {
        key: f"人工关闭：{closure_label(kind)}"
        for key, kind in session.execute(select(FindingClosure.dedup_key, FindingClosure.kind))
    }
    return [
        DigestFinding(
            rule=row.rule,
            article=row.article,
            severity=row.severity,  # type: ignore[arg-type]
            summary=row.summary,
            dedup_key=row.dedup_key,
            first_seen=row.first_seen,
            resolved_at=row.resolved_at,
            unit_id=row.unit_id,
            unit=units.get(row.unit_id) if row.unit_id is not None else None,
            account=keys.get(row.account_id) if row.account_id is not None else None,
            data=_with_dismissal(dict(row.data or {}), dismissed.get(row.dedup_key), row.state),
        )
        for row in rows
    ]


def _with_dismissal(data: dict[str, Any], how: str | None, state: str) -> dict[str, Any]:
    if how is None or state != "dismissed":
        return data
    return {**data, "closed_how": how}


def _limits(settings: Settings) -> DigestLimits:
    d = settings.digest
    return DigestLimits(
        ranking=d.top_ranking,
        topics=d.top_topics,
        rumours=d.top_rumours,
        questions=d.top_questions,
        negative=d.top_negative,
        findings_per_group=d.findings_per_group,
        actions=d.actions_per_unit,
    )


def load_inputs(
    engine: Engine,
    settings: Settings,
    week: str,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
) -> DigestInputs:
    """``now``: when the digest is built (default: the week's end); data read up to
    min(now, week's end) tells which accounts' week is incomplete."""
    sessions = sessionmaker(engine, expire_on_commit=False)
    year, number = parse_week(week)
    period = Period.iso_week(year, number)
    previous = Period(period.start - dt.timedelta(days=7), period.start)
    lookback = max(7, settings.digest.topic_baseline_days)
    since = period.start - dt.timedelta(days=lookback)
    until = period.end - dt.timedelta(microseconds=1)
    with sessions.begin() as session:
        frames = load_frames(session, since, until)
        add_sentiment(session, settings, frames, progress)
        findings = _findings(session, previous.start, period.end)
        seen_until = period.end if now is None else min(now, period.end)
        gaps = load_gaps(session, settings.collectors, seen_until)  # STYLE 18
    calendar = work_calendar(settings)
    scorer = TextScorer.from_settings(settings.rules, settings.questions)
    # The per-text verdicts `govmon analyze` stored are read, not computed again.
    cache = StoredTextCache(text_cache())
    with engine.connect() as conn:
        cache.load(conn, scorer.cache_keys(frames.posts.iloc[:0], frames.comments))
    scored, _stats = scorer.score_comments(frames.comments, cache, None)
    answers = match_answers(scored, scored["is_question"], calendar)
    del scored, cache  # the scored copy of every comment
    rumours = None
    if settings.rumours.enabled:
        if progress is not None:
            progress("谣言与辟谣", 0, 1)
        rumours = find_rumours(
            frames.posts,
            frames.comments,
            frames.accounts,
            period.end,
            settings.rumours,
            units=frames.units,
            blind=frozenset(gaps),  # a claim those accounts could have clarified: 无法确认
        )
    # What only the threading of answers and rumours read, dropped before the scopes are built
    # (a province week holds ~40 MiB of these strings).
    comments = frames.comments.drop(columns=list(_THREADING_ONLY), errors="ignore")
    finder: TopicFinder | None = None
    if settings.topics.enabled:
        topic_settings = weekly_settings(settings.topics, settings.digest.topic_baseline_days)
        # Each text cut once for every scope of the run.
        featurizer = RunFeaturizer(featurizer_for(settings.topics))
        # Each text's features counted once for every scope (the TF-IDF stays per scope).
        vectors = RunVectors()
        # The texts of every account, built once: each scope reads its accounts' rows.
        every_text = topic_texts(
            frames.posts, comments, frames.accounts, period.end, topic_settings
        )

        def finder(
            scope_posts: pd.DataFrame, scope_comments: pd.DataFrame, accounts: pd.DataFrame
        ) -> Any:
            return weekly_topics(
                scope_posts,
                scope_comments,
                accounts,
                period,
                topic_settings,
                featurizer,
                vectors,
                texts=every_text,
            )

    return DigestInputs(
        week=week,
        period=period,
        previous=previous,
        units=frames.units,
        accounts=frames.accounts,
        posts=frames.posts,
        comments=comments,
        snapshots=frames.snapshots,
        answers=answers,
        findings=findings,
        calendar=calendar,
        ranking=settings.ranking,
        overdue_workdays=settings.questions.overdue_after_workdays,
        rumours=rumours,
        topic_finder=finder,
        limits=_limits(settings),
        gaps=gaps,
    )


# -- writing ---------------------------------------------------------------------------------


def content_hash(data: DigestData, rendered: RenderedDigest) -> str:
    digest = hashlib.sha256()
    digest.update(rendered.html.encode("utf-8"))
    digest.update(rendered.markdown.encode("utf-8"))
    digest.update(json.dumps(workbook_rows(data), ensure_ascii=False, default=str).encode("utf-8"))
    return digest.hexdigest()


def render_files(
    data: DigestData, settings: Settings, folder: Path
) -> tuple[RenderedDigest, dict[str, str]]:
    d = settings.digest
    charts = []
    if d.charts:
        try:
            charts = digest_charts(data.daily, data.ranking, data.questions, d.font_path)
        except FontNotFound as exc:
            raise InputError(str(exc)) from None
    rendered = render_digest(
        data,
        charts,
        bot_items=d.bot_items,
        top_ranking=d.top_ranking,
        top_questions=d.top_questions,
    )
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "html": folder / "digest.html",
        "md": folder / "digest.md",
        "xlsx": folder / "digest.xlsx",
    }
    files["html"].write_text(rendered.html, encoding="utf-8")
    files["md"].write_text(rendered.markdown, encoding="utf-8")
    write_workbook(data, files["xlsx"])
    return rendered, {k: str(v) for k, v in files.items()}


def _store(
    session: Session, data: DigestData, files: dict[str, str], hash_: str, now: dt.datetime
) -> bool:
    row = session.scalars(
        select(Digest).where(Digest.week == data.week, Digest.scope == data.scope)
    ).one_or_none()
    if row is None:
        row = Digest(week=data.week, scope=data.scope)
        session.add(row)
    changed = row.content_hash != hash_
    row.unit_id = data.unit_id
    row.built_at = now
    row.content_hash = hash_
    row.files = files
    row.summary = data.summary()
    return changed


# -- sending ---------------------------------------------------------------------------------


def _routes(data: DigestData, settings: Settings, tree: UnitTree) -> list[Route]:
    d = settings.digest
    if data.scope == SYSTEM_SCOPE:
        top = settings.alerts.top_unit
        routes = [Route(f"{SETTINGS_REF}{name}", top) for name in d.system_channels]
        if d.system_emails and settings.alerts.email_channel:
            routes.append(
                Route(f"{SETTINGS_REF}{settings.alerts.email_channel}", top, tuple(d.system_emails))
            )
        return list(dict.fromkeys(routes))
    if not d.send_to_units:
        return []
    return routes_for_unit(tree.get(data.scope), settings.alerts)


def _scheme(ref: str, settings: Settings, tree: UnitTree) -> str:
    try:
        return channel_url(ref, settings.alerts, tree).split("://", 1)[0].lower()
    except KeyError:
        return ""


def message_for_route(
    route: Route, scheme: str, rendered: RenderedDigest, workbook: str, key: str
) -> Message:
    """E-mail and the file outbox get the whole digest and the workbook; bots the summary."""
    if scheme in ("smtp", "smtps", "file"):
        return Message(
            subject=rendered.subject,
            text=rendered.text,
            markdown=rendered.markdown,
            html=rendered.html,
            attachments=(Path(workbook),),
            recipients=route.recipients,
            key=key,
        )
    return Message(
        subject=rendered.subject,
        text=rendered.text,
        markdown=rendered.bot_markdown,
        mentions=route.mentions,
        key=key,
    )


def _check_channels(settings: Settings) -> None:
    known = set(settings.alerts.channels) | {OUTBOX}
    missing = [n for n in settings.digest.system_channels if n not in known]
    if missing:
        raise InputError(
            f"设置键 digest.system_channels 引用了未定义的渠道 {'、'.join(missing)}"
            "（请在 [alerts] channels 中定义，或用内置的 outbox）"
        )
    if settings.digest.system_emails and not settings.alerts.email_channel:
        raise InputError("设置了 digest.system_emails，但 [alerts] email_channel 为空，无法发邮件")


def queue_digest(
    session: Session,
    data: DigestData,
    rendered: RenderedDigest,
    files: dict[str, str],
    settings: Settings,
    tree: UnitTree,
    now: dt.datetime,
) -> tuple[int, int]:
    """Write one outbox row per route; a route already holding this week's digest is skipped.
    Returns (written, already there)."""
    unit_ids: dict[str, int] = {n: i for n, i in session.execute(select(Unit.name, Unit.id))}
    existing = {
        (p.get("digest_week"), p.get("digest_scope"), ref)
        for ref, p in session.execute(
            select(Delivery.channel_ref, Delivery.payload).where(
                Delivery.kind == "digest", Delivery.status != "failed"
            )
        )
        if isinstance(p, dict)
    }
    written = skipped = 0
    for route in _routes(data, settings, tree):
        if (data.week, data.scope, route.channel_ref) in existing:
            skipped += 1
            continue
        display = channel_display(route.channel_ref, settings, tree)
        row = Delivery(
            kind="digest",
            channel_ref=route.channel_ref,
            channel_display=display[:300],
            recipient=route.label[:300],
            unit_id=unit_ids.get(data.scope),
            subject=rendered.subject,
            status="pending",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
        session.add(row)
        session.flush()  # the id keys the message (a retried file write overwrites itself)
        scheme = _scheme(route.channel_ref, settings, tree)
        message = message_for_route(route, scheme, rendered, files["xlsx"], str(row.id))
        row.payload = {
            **message.to_payload(),
            "digest_week": data.week,
            "digest_scope": data.scope,
        }
        written += 1
    return written, skipped


# -- the run ---------------------------------------------------------------------------------


def _unit_id(session: Session, name: str) -> int:
    found = session.scalars(select(Unit.id).where(Unit.name == name)).one_or_none()
    if found is None:
        names = "、".join(session.scalars(select(Unit.name).order_by(Unit.id)).all()[:10])
        raise InputError(f"没有名为 {name!r} 的单位（已登记：{names or '无'}）")
    return found


def run_digest(
    engine: Engine,
    settings: Settings,
    *,
    clock: Clock = utcnow,
    week: str | None = None,
    unit: str | None = None,
    out_dir: Path | None = None,
    send: bool | None = None,
    progress: Progress | None = None,
) -> DigestRunSummary:
    """Build (and store) the digests of ``week`` (default: the week just ended). ``unit``:
    only that unit's digest. ``send``: queue them in the outbox (default: the setting
    ``digest.send_on_schedule``, which is what the daemon's weekly job uses)."""
    now = clock()
    week = week or last_week(now)
    try:
        parse_week(week)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    summary = DigestRunSummary(week=week)
    if not settings.digest.enabled:
        summary.skipped = "周报已关闭（digest.enabled = false），跳过"
        return summary
    send = settings.digest.send_on_schedule if send is None else send
    if send:
        _check_channels(settings)
    sessions = sessionmaker(engine, expire_on_commit=False)
    unit_ids: list[int] | None = None
    if unit is not None:
        with sessions() as session:
            unit_ids = [_unit_id(session, unit)]
    with frozen_between_collections() as freeze:
        freeze()  # the modules and settings
        inputs = load_inputs(engine, settings, week, progress, now=now)
        freeze()
        release_freed_memory()  # what reading the weeks took beside the frames kept
        root = (out_dir or settings.digest.out_dir) / week
        with sessions() as session:
            tree = load_tree(session, settings)
        # Built and written one at a time: a digest's data and charts are dropped once it is stored.
        total = len(unit_ids) if unit_ids is not None else 1 + len(digest_units(inputs))
        for index, data in enumerate(build_digests(inputs, unit_ids)):
            if progress is not None:
                progress("生成周报", index, total)
            folder = root / scope_folder(data.scope)
            rendered, files = render_files(data, settings, folder)
            hash_ = content_hash(data, rendered)
            with sessions.begin() as session:
                changed = _store(session, data, files, hash_, now)
                if send:
                    written, skipped = queue_digest(
                        session, data, rendered, files, settings, tree, now
                    )
                    summary.deliveries += written
                    summary.already_queued += skipped
            summary.built.append(
                BuiltDigest(data.scope, data.unit_id, folder, files, hash_, changed, data.summary())
            )
            if index == 0:
                freeze()  # the tokens and features the first scope counted for every scope
            del data, rendered
            release_freed_memory()  # the scope's arrays, frames and charts
    if progress is not None:
        progress("生成周报", total, total)
    log.info("digest: %s", summary.describe())
    return summary


def list_digests(engine: Engine, week: str | None = None) -> list[DigestInfo]:
    query = select(Digest).order_by(Digest.week.desc(), Digest.unit_id.is_not(None), Digest.scope)
    if week:
        query = query.where(Digest.week == week)
    with sessionmaker(engine)() as session:
        return [
            DigestInfo(r.week, r.scope, r.built_at, r.content_hash, dict(r.files), dict(r.summary))
            for r in session.scalars(query)
        ]
