"""Training, save/load round trip, switching only when better, cached batch scoring."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from analysis.sentiment.emoticons import EmoticonMap
from analysis.sentiment.factory import build_engine, persist_outcome
from analysis.sentiment.linear import LinearEngine
from analysis.sentiment.metrics import binary_metrics, evaluate
from analysis.sentiment.scoring import score_texts
from analysis.sentiment.settings import SentimentSettings
from analysis.sentiment.store import (
    ModelFileError,
    activate_model,
    current_model_folder,
    load_model,
    save_model,
)
from analysis.sentiment.training import (
    Example,
    TrainingDataError,
    build_examples,
    train_and_compare,
)

EMO = EmoticonMap({"赞": 1.0, "哈哈": 1.0, "怒": -1.0, "泪": -1.0})
NOW = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)
GOOD = ["准点", "干净", "方便", "热情", "舒服", "及时", "贴心", "快捷"]
BAD = ["晚点", "拥挤", "脏乱", "冷漠", "拖延", "混乱", "收费贵", "绕路"]
SUBJECTS = ["地铁", "公交", "高铁站", "客运站", "出租车", "高速服务区"]


def synthetic_comments() -> list[str]:
    """Emoticon-labelled comments, as a deployment would collect them."""
    comments: list[str] = []
    for i, subject in enumerate(SUBJECTS):
        for j, (good, bad) in enumerate(zip(GOOD, BAD, strict=True)):
            for k in range(3):
                suffix = "" if k == 0 else f"第{k}次"
                comments.append(f"{subject}{suffix}真{good}[赞]")
                comments.append(f"{subject}{suffix}太{bad}了[怒]")
                if (i + j + k) % 2:
                    comments.append(f"今天{subject}很{good}[哈哈]")
                    comments.append(f"今天{subject}又{bad}[泪]")
    return comments


class ConstantEngine:
    name = "constant"

    def score_batch(self, texts: Sequence[str]) -> list[float]:
        return [0.5 for _ in texts]


class OracleEngine:
    """Knows the answer for every synthetic text: nothing can beat it."""

    name = "oracle"

    def score_batch(self, texts: Sequence[str]) -> list[float]:
        return [0.0 if any(b in t for b in BAD) else 1.0 for t in texts]


@pytest.fixture(scope="module")
def examples() -> list[Example]:
    return build_examples(synthetic_comments(), [], EMO)


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> SentimentSettings:
    return SentimentSettings(min_training_samples=50, model_dir=tmp_path_factory.mktemp("models"))


def test_switches_when_the_candidate_is_better(
    examples: list[Example], settings: SentimentSettings
) -> None:
    outcome = train_and_compare(examples, ConstantEngine(), settings, EMO, NOW, "test")
    assert outcome.switch
    assert outcome.candidate_report.macro_f1 > 0.9
    assert "切换到新模型" in outcome.message
    assert outcome.candidate.meta["trained_at"] == NOW.isoformat()
    assert outcome.sources == {"emoticon": len(examples)}
    assert outcome.n_train + outcome.n_holdout == len(examples)


def test_keeps_the_current_engine_when_not_better(
    examples: list[Example], settings: SentimentSettings, tmp_path: Path
) -> None:
    outcome = train_and_compare(examples, OracleEngine(), settings, EMO, NOW, "test")
    assert not outcome.switch
    assert "保留当前引擎" in outcome.message
    persist_outcome(outcome, tmp_path)
    assert current_model_folder(tmp_path) is None  # stored for the record, not switched to


def test_too_few_examples_are_refused(settings: SentimentSettings) -> None:
    few = [Example("好", 1, "csv")] * 30
    with pytest.raises(TrainingDataError, match="标注样本不足"):
        train_and_compare(few, ConstantEngine(), settings, EMO, NOW, "test")


def test_save_load_round_trip_and_switch(
    examples: list[Example], settings: SentimentSettings, tmp_path: Path
) -> None:
    outcome = train_and_compare(examples, ConstantEngine(), settings, EMO, NOW, "test")
    folder = persist_outcome(outcome, tmp_path)
    assert current_model_folder(tmp_path) == folder
    loaded = load_model(folder)
    texts = ["地铁真准点", "公交太拥挤了", "[赞]", "", "高铁站真干净[怒]"]
    before = LinearEngine(outcome.candidate, EMO).score_batch(texts)
    after = LinearEngine(loaded, EMO).score_batch(texts)
    assert after == pytest.approx(before, abs=1e-6)
    assert before[0] > 0.5 > before[1]
    assert before[3] == 0.5
    assert LinearEngine(loaded, EMO).name == folder.name == outcome.candidate_report.engine
    assert json.loads((folder / "meta.json").read_text(encoding="utf-8"))["n_holdout"] > 0
    engine = build_engine(settings.model_copy(update={"model_dir": tmp_path}), EMO)
    assert engine.name == folder.name


def test_engine_choice_before_training(tmp_path: Path) -> None:
    auto = SentimentSettings(model_dir=tmp_path)
    assert build_engine(auto, EMO).name == "snownlp-default"
    with pytest.raises(ModelFileError, match="还没有已训练的情感模型"):
        build_engine(auto.model_copy(update={"engine": "trained"}), EMO)


def test_damaged_model_files(
    examples: list[Example], settings: SentimentSettings, tmp_path: Path
) -> None:
    outcome = train_and_compare(examples, ConstantEngine(), settings, EMO, NOW, "test")
    folder = save_model(outcome.candidate, tmp_path)
    (tmp_path / "current.json").write_text("{", encoding="utf-8")
    with pytest.raises(ModelFileError, match="已损坏"):
        current_model_folder(tmp_path)
    (tmp_path / "current.json").write_text('{"name": "../x"}', encoding="utf-8")
    with pytest.raises(ModelFileError, match="模型名"):
        current_model_folder(tmp_path)
    (folder / "model.npz").write_bytes(b"not a zip")
    with pytest.raises(ModelFileError, match="无法读取情感模型"):
        load_model(folder)
    with pytest.raises(ModelFileError, match="无法读取情感模型"):
        activate_model(tmp_path, folder)
    (folder / "meta.json").write_text("[]", encoding="utf-8")
    with pytest.raises(ModelFileError, match=r"meta\.json 已损坏"):
        load_model(folder)
    (folder / "meta.json").write_text('{"format": "other/9"}', encoding="utf-8")
    with pytest.raises(ModelFileError, match="只能读取"):
        load_model(folder)


def test_metrics() -> None:
    accuracy, macro, rec_neg, rec_pos = binary_metrics([1, 1, 0, 0], [0.9, 0.2, 0.1, 0.6])
    assert accuracy == 0.5 and macro == 0.5 and rec_neg == 0.5 and rec_pos == 0.5
    ticks = iter([10.0, 12.0])
    report = evaluate(OracleEngine(), ["地铁准点", "公交晚点"], [1, 0], clock=lambda: next(ticks))
    assert report.macro_f1 == 1.0 and report.texts_per_second == 1.0


class CountingEngine:
    name = "counting"

    def __init__(self) -> None:
        self.batches: list[int] = []

    def score_batch(self, texts: Sequence[str]) -> list[float]:
        self.batches.append(len(texts))
        return [0.9 for _ in texts]


def test_scoring_uses_cache_and_batches() -> None:
    from analysis.texthash import text_hash

    engine = CountingEngine()
    texts = ["a好", "b好", "a好 ", "c好", "d好", "e好"]
    cached = {text_hash("e好"): 0.1}
    scored = score_texts(engine, texts, cached, batch_size=2)
    assert engine.batches == [2, 2]  # a, b, c, d once each; "a好 " is "a好"; e cached
    assert scored.scores == [0.9, 0.9, 0.9, 0.9, 0.9, 0.1]
    assert scored.labels[-1] == "negative" and scored.labels[0] == "positive"
    assert len(scored.new) == 4
