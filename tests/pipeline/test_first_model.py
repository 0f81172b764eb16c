"""The first `govmon analyze` without a trained model: with enough emoticon-labelled comments
it trains the deployment's own model (held-out comparison with snownlp) and says so; with too
few it scores the digest window with snownlp and says that."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine
from testkit.one_account import one_weibo_account

from collectors.records import CommentRecord, PostRecord
from monitor.pipeline.analyze import analyze
from monitor.settings import Settings, settings_from_dict
from monitor.store.ingest import store_comments, store_posts

NOW = dt.datetime(2026, 11, 27, 2, 0, tzinfo=dt.UTC)
GOOD = ["辛苦了，{}路况很好", "谢谢及时发布，{}一路畅通", "点赞，{}的工作人员好样的"]
BAD = ["又堵车了，{}太差了", "{}收费站排了一个小时，烦死了", "投诉无门，{}没人管"]
PLACES = ["江都", "溧水", "无锡", "南通", "徐州", "扬州", "镇江"]


def _settings(tmp_path: Path, min_examples: int) -> Settings:
    return settings_from_dict(
        {
            "general": {"data_dir": str(tmp_path / "data")},
            "sentiment": {"first_run_min_examples": min_examples, "min_training_samples": 50},
            "topics": {"enabled": False},
            "rumours": {"enabled": False},
        }
    )


def _seed(engine: Engine, count: int) -> None:
    with engine.begin() as conn:
        one_weibo_account(conn)
        post = PostRecord("weibo", "p1", "https://m.weibo.cn/", NOW, published_at=NOW, text="路况")
        store_posts(conn, 1, [post], NOW)
        comments = []
        for i in range(count):
            good = i % 2 == 0
            pool = GOOD if good else BAD
            text = pool[i % 3].format(PLACES[i % 7]) + ("[赞]" if good else "[怒]") + f" {i}"
            comments.append(
                CommentRecord(
                    "weibo",
                    f"c{i}",
                    "p1",
                    "https://m.weibo.cn/",
                    NOW,
                    text=text,
                    created_at=NOW - dt.timedelta(minutes=i % 600 + 1),
                )
            )
        store_comments(conn, "weibo", comments, NOW)


def test_first_run_trains_the_deployments_model(db_engine: Engine, tmp_path: Path) -> None:
    _seed(db_engine, 240)
    settings = _settings(tmp_path, 200)
    summary = analyze(db_engine, settings, clock=lambda: NOW)
    assert summary.sentiment_note.startswith("首次分析")
    assert "240 条带表情标注的样本" in summary.sentiment_note
    assert list(settings.sentiment.model_dir.glob("trained-*/model.npz"))
    assert summary.sentiment_scored > 0
    # Trained once: the next run does not train again, whichever engine won.
    again = analyze(db_engine, settings, clock=lambda: NOW + dt.timedelta(hours=2))
    assert again.sentiment_note == ""


def test_too_few_examples_score_with_snownlp_and_say_so(db_engine: Engine, tmp_path: Path) -> None:
    _seed(db_engine, 40)
    settings = _settings(tmp_path, 200)
    summary = analyze(db_engine, settings, clock=lambda: NOW)
    assert "不足 200 条（first_run_min_examples）" in summary.sentiment_note
    # The post and its 40 comments all fall inside the digest window.
    assert "本次用 snownlp 只为周报时段（11月16日起）的 41 条文本打分" in summary.sentiment_note
    assert summary.sentiment_scored == 41
    assert not list(settings.sentiment.model_dir.glob("trained-*"))
