"""Sentiment scores for the texts of the analysis frames, cached in the database by text hash.

Only texts whose hash has no score yet for the current engine are scored, in batches; the
engine's name is part of the cache key, so a newly trained model scores everything once.

snownlp's default model is slow (about 10 ms a text, half an hour for a province's month). While
it is the engine — no trained model yet, or ``engine = "snownlp"`` — only the texts of the digest
window are scored (:func:`digest_window`); older texts keep the score they got while they were
inside it, and the rest stay unscored (NaN), which every reader of scores leaves out rather than
counting as neutral. As the window moves, its new texts are scored incrementally.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from analysis.sentiment.engine import SentimentEngine, label_for
from analysis.sentiment.factory import build_engine
from analysis.sentiment.settings import SentimentSettings
from analysis.texthash import stored_or_hashed
from analysis.workdays import SHANGHAI
from monitor.db.models import AnalysisCache, Comment, Post, utcnow
from monitor.store.upsert import chunks, upsert

if TYPE_CHECKING:
    from monitor.store.frames import Frames

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
StepProgress = Callable[[str, int, int], None]  # (step, done, total), as analyze's

SAMPLE_TEXTS = 20  # timed to estimate how long the window takes
# New scores built into rows and stored this many at a time: a province's ~190k as dicts
# would take tens of MiB at once (the upsert batches its statements itself).
STORE_CHUNK = 5000

_engines: dict[tuple[str, str], SentimentEngine] = {}


def current_engine(settings: SentimentSettings) -> SentimentEngine:
    """The engine the settings ask for; built once per process (the daemon reuses it)."""
    from analysis.sentiment.store import current_model_folder

    folder = current_model_folder(settings.model_dir) if settings.engine != "snownlp" else None
    key = (settings.engine, str(folder))
    if key not in _engines:
        _engines.clear()
        _engines[key] = build_engine(settings)
    return _engines[key]


@dataclass(frozen=True)
class Window:
    """Texts from ``start`` to ``end`` are scored (posts by publication, comments by creation)."""

    start: dt.datetime
    end: dt.datetime

    def shown(self) -> str:
        day = self.start.astimezone(SHANGHAI)
        return f"{day.month}月{day.day}日起"


def digest_window(now: dt.datetime) -> Window:
    """The texts the digests need: from Monday 00:00 (Asia/Shanghai) of the week a digest built
    at ``now`` covers — the ISO week that ended most recently, as monitor.pipeline.digest's
    last_week — to now, which is the current week the next scheduled digest covers."""
    from analysis.activity import Period

    year, week, _ = (now.astimezone(SHANGHAI).date() - dt.timedelta(days=7)).isocalendar()
    return Window(Period.iso_week(year, week).start, now)


def uses_snownlp(settings: SentimentSettings) -> bool:
    """True while snownlp's slow default model is the engine (no trained model in use)."""
    from analysis.sentiment.store import current_model_folder

    if settings.engine == "trained":
        return False
    return settings.engine == "snownlp" or current_model_folder(settings.model_dir) is None


def duration(seconds: float) -> str:
    """A duration as a person reads it: 8 秒, 3 分钟, 1.5 小时."""
    if seconds < 90:
        return f"{max(1, round(seconds))} 秒"
    if seconds < 5400:
        return f"{round(seconds / 60)} 分钟"
    return f"{seconds / 3600:.1f} 小时"


@dataclass(frozen=True)
class FirstRun:
    """How an analysis scores sentiment: what it says about it in Chinese ("" when sentiment is
    off or a trained model is simply in use), and the texts snownlp scores (None: every text)."""

    note: str = ""
    window: Window | None = None


def first_model(session: Session, settings: SentimentSettings, now: dt.datetime) -> FirstRun:
    """Decide how this analysis scores sentiment, and say so in Chinese.

    With engine = auto and no trained model yet: train the deployment's own model from the
    emoticon-labelled comments collected so far when there are at least
    ``first_run_min_examples`` (the `govmon sentiment train` path: held-out comparison with
    snownlp, switched to only if it wins). Otherwise snownlp scores only the texts of the
    digest window (for :func:`add_sentiment`), and the note says how many texts it holds and
    about how long they take."""
    if not settings.enabled:
        return FirstRun()
    reason = _train_first_model(session, settings, now)
    if not uses_snownlp(settings):
        return FirstRun(reason)
    window = digest_window(now)
    if not reason:
        reason = (
            '设置 engine = "snownlp"'
            if settings.engine == "snownlp"
            else "已训练的情感模型未启用（未胜过 snownlp；可用 govmon sentiment train 重新训练）"
        )
    pending = _window_backlog(session, settings, window)
    if not pending:
        return FirstRun(
            f"{reason}；snownlp 只为周报时段（{window.shown()}）的文本打分，本次没有新文本要打分",
            window,
        )
    per_text = _seconds_per_text(settings, pending)
    return FirstRun(
        f"{reason}；本次用 snownlp 只为周报时段（{window.shown()}）的 {len(pending)} 条文本打分，"
        f"预计约 {duration(per_text * len(pending))}；时段以外的文本暂不打分，也不计入负面统计",
        window,
    )


def _train_first_model(session: Session, settings: SentimentSettings, now: dt.datetime) -> str:
    """Train on the first run when the collected comments allow; what happened, or ""."""
    from sqlalchemy import func

    from analysis.sentiment.emoticons import load_emoticon_map
    from analysis.sentiment.factory import persist_outcome
    from analysis.sentiment.store import current_model_folder
    from analysis.sentiment.training import TrainingDataError, build_examples, train_and_compare

    if settings.engine != "auto":
        return ""
    if current_model_folder(settings.model_dir) is not None:
        return ""
    if any(settings.model_dir.glob("trained-*")):  # trained before and not switched to: the
        return ""  # operator decides (`govmon sentiment train`), not every run again
    public = Comment.is_official.is_(False)
    if (session.scalar(select(func.count()).where(public)) or 0) < settings.first_run_min_examples:
        return (
            "尚无已训练的情感模型，已采集的评论不足 "
            f"{settings.first_run_min_examples} 条（first_run_min_examples），无法先训练"
        )
    comments = list(session.scalars(select(Comment.text).where(public)))
    emoticons = load_emoticon_map(settings.emoticons_file)
    examples = build_examples(
        comments, [], emoticons, settings.split_reposts, settings.max_text_chars
    )
    del comments
    if len(examples) < settings.first_run_min_examples:
        return (
            f"尚无已训练的情感模型，已采集评论中带表情标注的样本 {len(examples)} 条，"
            f"不足 {settings.first_run_min_examples} 条（first_run_min_examples），无法先训练"
        )
    try:
        outcome = train_and_compare(
            examples, current_engine(settings), settings, emoticons, now, "database"
        )
    except TrainingDataError as exc:
        return f"尚无已训练的情感模型，训练未成功（{exc}）"
    persist_outcome(outcome, settings.model_dir)
    _engines.clear()  # the next current_engine() reads the switch
    if outcome.switch:
        return (
            f"首次分析：用已采集评论中 {len(examples)} 条带表情标注的样本训练了本部署的情感模型"
            f"并启用，用它为全部文本打分。{outcome.message}"
        )
    return f"首次分析：训练的模型未胜过 snownlp，未启用。{outcome.message}"


def _window_backlog(
    session: Session, settings: SentimentSettings, window: Window
) -> dict[str, str]:
    """Texts of the window (hash → text) that have no score from the current engine."""
    name = current_engine(settings).name
    pending: dict[str, str] = {}
    for model, moment in ((Post, Post.published_at), (Comment, Comment.created_at)):
        scored = (
            select(AnalysisCache.text_hash)
            .where(AnalysisCache.engine == name, AnalysisCache.text_hash == model.text_hash)
            .exists()
        )
        rows = session.execute(
            select(model.text_hash, model.text).where(
                moment >= window.start, moment <= window.end, ~scored
            )
        )
        for h, text in rows:
            pending.setdefault(stored_or_hashed(text, h), text or "")
    return pending


def _seconds_per_text(settings: SentimentSettings, pending: dict[str, str]) -> float:
    """Seconds a text takes, timed on a few of ``pending`` once snownlp has started (its
    model load is not per text). The sample is scored again with the rest, so that the count
    the run reports is the count it scored."""
    engine = current_engine(settings)
    engine.score_batch(["路况很好"])
    sample = list(pending.values())[:SAMPLE_TEXTS]
    began = time.perf_counter()
    engine.score_batch(sample)
    return (time.perf_counter() - began) / max(1, len(sample))


@dataclass(frozen=True)
class SentimentRun:
    """What one analysis scored: how many texts, by which engine, in how long."""

    scored: int
    seconds: float
    engine: str
    window: Window | None  # only the texts from here on (snownlp); None: every text

    def describe(self) -> str:
        if self.window is not None:
            if not self.scored:
                return f"情感分析：周报时段（{self.window.shown()}）内的文本都已有 snownlp 得分"
            return (
                f"情感分析：snownlp 为周报时段（{self.window.shown()}）的 {self.scored} 条文本"
                f"打分，用时 {duration(self.seconds)}；时段以外未打分的文本不计入负面统计"
            )
        return (
            f"情感分析：模型 {self.engine} 为 {self.scored} 条新文本打分，"
            f"用时 {duration(self.seconds)}"
        )


def add_sentiment(
    session: Session,
    settings: SentimentSettings,
    frames: Frames,
    progress: StepProgress | None = None,
    window: Window | None = None,
) -> SentimentRun:
    """A ``sentiment`` column (score in [0, 1], NaN when not scored) on the posts and comments
    frames; scores missing from the database are computed, for a window only while snownlp
    is the engine (``window``, the one first_model chose, else the digest window of the
    frames)."""
    began = time.perf_counter()
    engine = current_engine(settings)
    if not uses_snownlp(settings):
        window = None
    elif window is None:
        window = _frames_window(frames)
    scored = 0
    # Asked once, before the posts' scores are stored: a new model's first run then looks
    # none of the comments' ~200k scores up either (~0.9 s at province scale).
    any_stored = has_stored_scores(session, engine.name)
    for name, frame, moment in (
        ("帖子", frames.posts, "published_at"),
        ("评论", frames.comments, "created_at"),
    ):
        if frame.empty:
            frame["sentiment"] = pd.Series(dtype=float)
            continue

        def report(done: int, total: int, name: str = name) -> None:
            if progress is not None:
                progress(f"情感分析（{name}）", done, total)

        only = None
        if window is not None:
            times = frame[moment]
            inside = (times >= pd.Timestamp(window.start)) & (times <= pd.Timestamp(window.end))
            only = inside.fillna(False).astype(bool)
        scores, computed = score_frame_texts(
            session,
            settings,
            frame["text"],
            frame["text_hash"],
            progress=report,
            only=only,
            any_stored=any_stored,
        )
        frame["sentiment"] = scores.to_numpy()
        scored += computed
    run = SentimentRun(scored, time.perf_counter() - began, engine.name, window)
    if scored or window is not None:
        log.info("%s", run.describe())
    return run


def _frames_window(frames: Frames) -> Window | None:
    """The digest window as of the newest text in the frames (a digest's frames end with its
    week, so its week is inside)."""
    times = pd.concat(
        [frames.posts["published_at"], frames.comments["created_at"]], ignore_index=True
    ).dropna()
    if times.empty:
        return None
    return digest_window(times.max().to_pydatetime())


def has_stored_scores(session: Session, engine_name: str) -> bool:
    """Whether the database holds any score of this engine (not a model just trained)."""
    engine = AnalysisCache.engine == engine_name
    return session.scalar(select(AnalysisCache.text_hash).where(engine).limit(1)) is not None


def cached_scores(
    session: Session,
    engine_name: str,
    hashes: Iterable[str],
    *,
    any_stored: bool | None = None,
) -> dict[str, float]:
    """The stored scores of these texts. ``any_stored``: :func:`has_stored_scores`, when the
    caller asked before storing any itself."""
    found: dict[str, float] = {}
    if any_stored is None:
        any_stored = has_stored_scores(session, engine_name)
    if not any_stored:
        return found  # a new engine (a model just trained): nothing to look up, text by text
    engine = AnalysisCache.engine == bindparam("engine", engine_name)
    # One statement whose list is expanded when it runs: no SQL expression built per hash.
    statement = select(AnalysisCache.text_hash, AnalysisCache.score).where(
        engine, AnalysisCache.text_hash.in_(bindparam("hashes", expanding=True))
    )
    for part in chunks(sorted(set(hashes)), 900):
        rows = session.execute(statement, {"hashes": list(part)})
        found.update({h: float(s) for h, s in rows})
    return found


def _score(engine: SentimentEngine, pairs: Sequence[tuple[str, str]]) -> dict[str, float]:
    """Score (hash, text) pairs in one batch; hash → score clamped to [0, 1]."""
    scores = engine.score_batch([text for _, text in pairs])
    return {
        h: min(1.0, max(0.0, float(score))) for (h, _), score in zip(pairs, scores, strict=True)
    }


def _store(
    session: Session, settings: SentimentSettings, engine_name: str, scores: dict[str, float]
) -> None:
    """Store new scores, in the order of their hashes: the cache's index then grows page by
    page instead of at random places (half the database's CPU for a province's week)."""
    computed_at = utcnow()  # given, not left to the column default: one time for the run
    for part in chunks(sorted(scores), STORE_CHUNK):
        rows = [
            {
                "engine": engine_name,
                "text_hash": h,
                "score": scores[h],
                "label": label_for(scores[h], settings.negative_below, settings.positive_above),
                "computed_at": computed_at,
            }
            for h in part
        ]
        upsert(
            session.connection(),
            AnalysisCache.__table__,  # type: ignore[arg-type]
            rows,
            conflict=("engine", "text_hash"),
            update=("score", "label"),
        )


def score_frame_texts(
    session: Session,
    settings: SentimentSettings,
    texts: pd.Series,
    hashes: pd.Series,
    *,
    progress: Progress | None = None,
    only: pd.Series | None = None,
    any_stored: bool | None = None,
) -> tuple[pd.Series, int]:
    """Scores in [0, 1] aligned with ``texts`` (NaN where none); returns (scores, how many
    were computed now). ``only`` (boolean, aligned): compute missing scores for these texts
    alone; the others get their stored score, if any. ``any_stored``: as :func:`cached_scores`
    takes it."""
    engine = current_engine(settings)
    # Plain lists: iterating a pandas string column element by element costs more than this.
    text_list = texts.tolist()
    hash_list = [stored_or_hashed(t, h) for t, h in zip(text_list, hashes.tolist(), strict=True)]
    cache = cached_scores(session, engine.name, hash_list, any_stored=any_stored)
    wanted = [True] * len(text_list) if only is None else only.tolist()
    missing: dict[str, str] = {}
    for h, text, want in zip(hash_list, text_list, wanted, strict=True):
        if want and h not in cache and h not in missing:
            missing[h] = str(text)
    total = len(missing)
    done = 0
    if progress is not None:
        progress(0, total)
    computed: dict[str, float] = {}
    for part in chunks(list(missing.items()), settings.batch_size):
        computed.update(_score(engine, part))
        done += len(part)
        if progress is not None:
            progress(done, total)
    del missing
    # Nothing is committed in between (the caller's transaction): storing at the end loses
    # nothing if scoring fails half-way.
    _store(session, settings, engine.name, computed)
    cache.update(computed)
    scores = [cache.get(h, math.nan) for h in hash_list]
    return pd.Series(scores, index=hashes.index, dtype=float), total
