"""`govmon sentiment train|eval` on a small labelled file written for the test."""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy.orm import Session, sessionmaker

from analysis.sentiment.labelled_csv import read_labelled_csv
from analysis.texthash import text_hash
from monitor.db.models import Account, AnalysisCache, Comment, Post, Unit

GOOD = [
    "路况清晰，通行顺畅",
    "服务很好，点赞",
    "回复及时，辛苦了",
    "收费站秒过，很方便",
    "客服态度好",
]
BAD = [
    "堵了三个小时，太差了",
    "投诉没人管，失望",
    "收费乱，气死了",
    "客服态度恶劣",
    "又封路，烦死了",
]


def _labelled_file(path: Path, n: int = 300, seed: int = 7) -> Path:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        for i in range(n):
            positive = i % 2 == 0
            base = rng.choice(GOOD if positive else BAD)
            writer.writerow([f"{base}，第{rng.randint(1, 99)}次", 1 if positive else 0])
    return path


def test_train_from_csv_then_eval(
    tmp_path: Path, write_settings: Callable[..., Path], run_cli: Callable[..., Result]
) -> None:
    model_dir = tmp_path / "models"
    config = write_settings(f'[sentiment]\nmodel_dir = "{model_dir.as_posix()}"\n')
    assert run_cli("init", "--config", config).exit_code == 0
    labelled = _labelled_file(tmp_path / "labelled.csv")
    trained = run_cli("sentiment", "train", "--csv", labelled, "--config", config)
    assert trained.exit_code == 0, trained.output + trained.stderr
    assert "留出" in trained.output and "模型已保存" in trained.output
    assert "已启用" in trained.output  # separable texts: it beats snownlp's default
    evaluated = run_cli("sentiment", "eval", "--csv", labelled, "--config", config)
    assert evaluated.exit_code == 0, evaluated.stderr
    assert "trained-" in evaluated.output and "snownlp" in evaluated.output
    assert "macro-F1" in evaluated.output


def test_bad_inputs_are_clear(
    tmp_path: Path, write_settings: Callable[..., Path], run_cli: Callable[..., Result]
) -> None:
    config = write_settings(f'[sentiment]\nmodel_dir = "{(tmp_path / "m").as_posix()}"\n')
    assert run_cli("init", "--config", config).exit_code == 0
    empty_db = run_cli("sentiment", "train", "--config", config)
    assert empty_db.exit_code == 2 and "标注样本不足" in empty_db.stderr
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("content,score\n好,1\n", encoding="utf-8")
    bad = run_cli("sentiment", "eval", "--csv", wrong, "--config", config)
    assert bad.exit_code == 2 and "text 与 label" in bad.stderr
    alone = run_cli("sentiment", "train", "--no-database", "--config", config)
    assert alone.exit_code == 2 and "--csv" in alone.stderr


def test_model_is_found_whatever_the_working_directory(
    tmp_path: Path,
    write_settings: Callable[..., Path],
    run_cli: Callable[..., Result],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = write_settings()  # data_dir is absolute; model_dir left at its default
    assert run_cli("init", "--config", config).exit_code == 0
    labelled = _labelled_file(tmp_path / "labelled.csv")
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
    monkeypatch.chdir(tmp_path / "one")
    assert run_cli("sentiment", "train", "--csv", labelled, "--config", config).exit_code == 0
    assert (tmp_path / "data" / "sentiment" / "current.json").is_file()
    assert not (tmp_path / "one" / "data").exists()
    monkeypatch.chdir(tmp_path / "two")  # as a daemon started from another directory
    evaluated = run_cli("sentiment", "eval", "--csv", labelled, "--config", config)
    assert evaluated.exit_code == 0 and "trained-" in evaluated.output


def test_review_sheet_round_trip(
    db_url: str,
    db_sessions: sessionmaker[Session],
    tmp_path: Path,
    write_settings: Callable[..., Path],
    run_cli: Callable[..., Result],
) -> None:
    now = dt.datetime(2026, 11, 27, 2, 0, tzinfo=dt.UTC)
    texts = [
        "服务区很干净[赞]",  # labelled by its emoticon: not for review
        "哈哈收费站又排队了[泪][哈哈]",  # mixed emoticons
        '=HYPERLINK("http://evil.example","点我")[赞][泪]',  # a formula, mixed
        "什么时候修好",  # scored 0.48 below
        "[赞][泪]",  # nothing but emoticons
    ]
    with db_sessions.begin() as session:
        unit = Unit(name="江东省交通运输厅")
        account = Account(unit=unit, platform="weibo", platform_id="1", name="江东交通")
        session.add_all([unit, account])
        session.flush()
        post = Post(
            account_id=account.id,
            platform="weibo",
            platform_post_id="p1",
            published_at=now,
            text="通告",
            url="https://m.weibo.cn/detail/p1",
        )
        session.add(post)
        session.flush()
        for i, text in enumerate(texts):
            session.add(
                Comment(
                    post_id=post.id,
                    platform="weibo",
                    platform_comment_id=f"c{i}",
                    text=text,
                    created_at=now - dt.timedelta(minutes=i),
                    text_hash=text_hash(text),
                )
            )
        session.add(
            AnalysisCache(engine="snownlp-default", text_hash=text_hash(texts[3]), score=0.48)
        )
    config = write_settings("", db_url=db_url)
    sheet = tmp_path / "review.csv"
    made = run_cli("sentiment", "review", "--out", sheet, "--config", config)
    assert made.exit_code == 0, made.output + made.stderr
    assert "已写出 3 条" in made.output and "govmon sentiment train --csv" in made.output
    raw = sheet.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads the Chinese
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][:3] == ["text", "label", "reason"]
    assert [r[0] for r in rows[1:]] == [texts[1], "'" + texts[2], texts[3]]
    assert rows[1][2] == "表情正负混杂" and rows[3][2:4] == ["模型把握不大", "0.48"]
    assert rows[1][4:] == ["江东交通", "2026-11-27 09:59", "https://m.weibo.cn/detail/p1"]
    again = run_cli("sentiment", "review", "--out", sheet, "--config", config)
    assert again.exit_code == 2 and "已存在" in again.stderr  # a labelled sheet is never lost
    # A reviewer labels two rows in Excel and leaves one empty; the formula comes back as text.
    rows[1][1], rows[2][1] = "0", "1"
    with sheet.open("w", encoding="gbk", newline="") as handle:
        csv.writer(handle).writerows(rows)
    data = read_labelled_csv(sheet)
    assert data.texts == [texts[1], texts[2]] and data.labels == [0, 1]
    assert data.skipped_unlabelled == 1
    evaluated = run_cli("sentiment", "eval", "--csv", sheet, "--config", config)
    assert evaluated.exit_code == 0 and "未填标签 1 条" in evaluated.output
