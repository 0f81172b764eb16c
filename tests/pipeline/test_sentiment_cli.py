"""`govmon sentiment train|eval` on a small labelled file written for the test."""

from __future__ import annotations

import csv
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

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
