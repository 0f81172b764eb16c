"""Sentiment scores for the texts of the analysis frames, cached in the database by text hash.

Only texts whose hash has no score yet for the current engine are scored, in batches; the
engine's name is part of the cache key, so a newly trained model scores everything once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.sentiment.engine import SentimentEngine, label_for
from analysis.sentiment.factory import build_engine
from analysis.sentiment.settings import SentimentSettings
from analysis.texthash import text_hash
from monitor.db.models import AnalysisCache
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
