"""Sentiment scores for the texts of the analysis frames, cached in the database by text hash.

Only texts whose hash has no score yet for the current engine are scored, in batches; the
engine's name is part of the cache key, so a newly trained model scores everything once.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.sentiment.engine import SentimentEngine, label_for
from analysis.sentiment.factory import build_engine
from analysis.sentiment.settings import SentimentSettings
from analysis.texthash import text_hash
from monitor.db.models import AnalysisCache, Comment
from monitor.store.upsert import chunks, upsert

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]

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


def first_model(session: Session, settings: SentimentSettings, now: dt.datetime) -> str:
    """Before the first scoring with engine = auto and no trained model: train the
    deployment's own model from the emoticon-labelled comments collected so far, when there
    are at least ``first_run_min_examples`` (the `govmon sentiment train` path: held-out
    comparison with snownlp, switched to only if it wins). Returns what was done, in Chinese,
    or "" when nothing was to be decided."""
    from analysis.sentiment.emoticons import load_emoticon_map
    from analysis.sentiment.factory import persist_outcome
    from analysis.sentiment.store import current_model_folder
    from analysis.sentiment.training import TrainingDataError, build_examples, train_and_compare

    if not settings.enabled or settings.engine != "auto":
        return ""
    if current_model_folder(settings.model_dir) is not None:
        return ""
    if any(settings.model_dir.glob("trained-*")):  # trained before and not switched to: the
        return ""  # operator decides (`govmon sentiment train`), not every run again
    public = Comment.is_official.is_(False)
    if (session.scalar(select(func.count()).where(public)) or 0) < settings.first_run_min_examples:
        return (
            "尚无已训练的情感模型，已采集的评论不足 "
            f"{settings.first_run_min_examples} 条（first_run_min_examples），本次用 snownlp 打分"
        )
    comments = list(session.scalars(select(Comment.text).where(public)))
    emoticons = load_emoticon_map(settings.emoticons_file)
    examples = build_examples(
        comments, [], emoticons, settings.split_reposts, settings.max_text_chars
    )
    if len(examples) < settings.first_run_min_examples:
        return (
            f"尚无已训练的情感模型，已采集评论中带表情标注的样本 {len(examples)} 条，"
            f"不足 {settings.first_run_min_examples} 条（first_run_min_examples），本次用 snownlp 打分"
        )
    try:
        outcome = train_and_compare(
            examples, current_engine(settings), settings, emoticons, now, "database"
        )
    except TrainingDataError as exc:
        return f"尚无已训练的情感模型，训练未成功（{exc}），本次用 snownlp 打分"
    persist_outcome(outcome, settings.model_dir)
    _engines.clear()  # the next current_engine() reads the switch
    if outcome.switch:
        return (
            f"首次分析：用已采集评论中 {len(examples)} 条带表情标注的样本训练了本部署的情感模型"
            f"并启用，用它打分。{outcome.message}"
        )
    return f"首次分析：训练的模型未胜过 snownlp，未启用，本次用 snownlp 打分。{outcome.message}"


def cached_scores(session: Session, engine_name: str, hashes: Iterable[str]) -> dict[str, float]:
    found: dict[str, float] = {}
    for part in chunks(sorted(set(hashes)), 900):
        rows = session.execute(
            select(AnalysisCache.text_hash, AnalysisCache.score).where(
                AnalysisCache.engine == engine_name, AnalysisCache.text_hash.in_(part)
            )
        )
        found.update({h: float(s) for h, s in rows})
    return found


def score_frame_texts(
    session: Session,
    settings: SentimentSettings,
    texts: pd.Series,
    hashes: pd.Series,
    *,
    progress: Progress | None = None,
) -> tuple[pd.Series, int]:
    """Scores in [0, 1] aligned with ``texts``; returns (scores, how many were computed now)."""
    engine = current_engine(settings)
    hashes = hashes.where(hashes.astype(bool), texts.map(text_hash))
    cache = cached_scores(session, engine.name, hashes)
    missing: dict[str, str] = {}
    for h, text in zip(hashes, texts, strict=True):
        if h not in cache and h not in missing:
            missing[h] = str(text)
    total = len(missing)
    done = 0
    if progress is not None:
        progress(0, total)
    pending = list(missing.items())
    for part in chunks(pending, settings.batch_size):
        scores = engine.score_batch([text for _, text in part])
        rows = []
        for (h, _), score in zip(part, scores, strict=True):
            value = min(1.0, max(0.0, float(score)))
            cache[h] = value
            rows.append(
                {
                    "engine": engine.name,
                    "text_hash": h,
                    "score": value,
                    "label": label_for(value, settings.negative_below, settings.positive_above),
                }
            )
        upsert(
            session.connection(),
            AnalysisCache.__table__,  # type: ignore[arg-type]
            rows,
            conflict=("engine", "text_hash"),
            update=("score", "label"),
        )
        done += len(part)
        if progress is not None:
            progress(done, total)
    return hashes.map(cache).astype(float), total
