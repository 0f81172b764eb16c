"""Stored sentiment scores are read for the engine asked about only, whether or not it has any."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from analysis.sentiment.linear import fit_linear_model
from analysis.sentiment.store import activate_model, save_model
from monitor.db import migrate
from monitor.db.engine import make_engine
from monitor.db.models import AnalysisCache
from monitor.pipeline.sentiment import add_sentiment, cached_scores
from monitor.settings import settings_from_dict
from monitor.store.frames import Frames


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


def test_a_new_models_first_run_looks_nothing_up(tmp_path: Path) -> None:
    """A model just trained has no stored score: the posts' scores, stored first, do not make
    the comments' ~200k hashes (at province scale) be looked up one chunk after another. The
    next run reads every score back instead of computing it."""
    settings = settings_from_dict(
        {"sentiment": {"engine": "auto", "model_dir": str(tmp_path / "models")}}
    )
    texts = [f"{t}{i}" for i in range(20) for t in ["谢谢及时发布", "太差了，投诉"]]
    model = fit_linear_model(texts, [1, 0] * 20, n_features=2**12)
    activate_model(settings.sentiment.model_dir, save_model(model, settings.sentiment.model_dir))
    engine = make_engine(f"sqlite:///{tmp_path / 'db.db'}")
    migrate.upgrade(engine)
    posts = pd.DataFrame({"text": ["通告：路况良好", "谢谢"], "text_hash": ["", ""]})
    comments = pd.DataFrame({"text": ["辛苦了", "太差了", "投诉无门"], "text_hash": ["", "", ""]})
    at = pd.Timestamp("2026-11-27 02:00", tz="UTC")
    posts["published_at"], comments["created_at"] = at, at
    frames = Frames(pd.DataFrame(), pd.DataFrame(), posts, comments, pd.DataFrame())
    lookups: list[str] = []

    def seen(*args: object) -> None:
        statement = str(args[2])
        if "analysis_cache" in statement and " IN " in statement:
            lookups.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    with Session(engine) as session, session.begin():
        first = add_sentiment(session, settings.sentiment, frames)
    assert first.scored == 5 and lookups == []
    scores = [*posts["sentiment"], *comments["sentiment"]]
    with Session(engine) as session, session.begin():
        again = add_sentiment(session, settings.sentiment, frames)
    engine.dispose()
    assert again.scored == 0 and len(lookups) == 2  # posts and comments, one chunk each
    assert [*posts["sentiment"], *comments["sentiment"]] == scores
