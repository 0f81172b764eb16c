"""Stored sentiment scores are read for the engine asked about only, whether or not it has any."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from monitor.db.models import AnalysisCache
from monitor.pipeline.sentiment import cached_scores


def test_scores_of_the_engine_asked_about(db_engine: Engine) -> None:
    at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with Session(db_engine) as session, session.begin():
        for engine, h, score in (("a", "h1", 0.1), ("a", "h2", 0.2), ("b", "h1", 0.9)):
            session.add(AnalysisCache(engine=engine, text_hash=h, score=score, computed_at=at))
    with Session(db_engine) as session:
        wanted = ["h1", "h2", "h3", "h1"] + [f"x{i}" for i in range(2000)]  # several chunks
        assert cached_scores(session, "a", wanted) == {"h1": 0.1, "h2": 0.2}
        assert cached_scores(session, "b", wanted) == {"h1": 0.9}
        assert cached_scores(session, "c", wanted) == {}  # an engine with nothing stored
        assert cached_scores(session, "a", []) == {}
