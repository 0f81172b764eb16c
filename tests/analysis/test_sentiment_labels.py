"""Emoticon map, weak labels, stripping, edge texts, thresholds, text hash, CSV reading."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from analysis.sentiment.emoticons import (
    EmoticonMap,
    EmoticonMapError,
    load_emoticon_map,
    strip_emoticons,
)
from analysis.sentiment.engine import edge_score, label_for
from analysis.sentiment.labelled_csv import LabelledCsvError, read_labelled_csv
from analysis.sentiment.settings import SentimentSettings
from analysis.sentiment.training import build_examples, examples_from_pairs, weak_label
from analysis.texthash import normalize_text, text_hash

EMO = EmoticonMap({"赞": 1.0, "哈哈": 1.0, "怒": -1.0, "泪": -1.0, "围观": 0.0})


def test_bundled_map_has_common_emoticons() -> None:
    bundled = load_emoticon_map()
    assert bundled.polarity["赞"] > 0 and bundled.polarity["哈哈"] > 0
    assert bundled.polarity["怒"] < 0 and bundled.polarity["泪"] < 0


def test_weak_label_needs_agreeing_emoticons() -> None:
    assert EMO.weak_label("地铁准点了[赞][哈哈]") == 1
    assert EMO.weak_label("又晚点[怒]") == 0
    assert EMO.weak_label("好吧[赞][怒]") is None  # mixed
    assert EMO.weak_label("路过[围观]") is None  # only ambiguous ones
    assert EMO.weak_label("没有表情") is None


def test_labelling_emoticons_are_stripped_from_training_text() -> None:
    example = weak_label("公交又晚点了[怒][怒] [围观]", EMO)
    assert example is not None and example.label == 0
    assert "[怒]" not in example.text and "公交又晚点了" in example.text
    assert "[围观]" in example.text  # not a label giver: kept


def test_emoticon_only_comment_gives_no_training_text() -> None:
    assert weak_label("[赞][赞]", EMO) is None


def test_repost_layers_become_extra_examples() -> None:
    example = weak_label("支持[赞] //@某乘客:怎么又停运了[怒]", EMO)
    assert example is None  # whole text is mixed
    example = weak_label("太好了[赞] //@某乘客:新线路开通啦[哈哈]", EMO)
    assert example is not None
    assert ("新线路开通啦", 1) in example.extra and ("太好了", 1) in example.extra


def test_reviewer_label_wins_over_weak_label() -> None:
    examples = build_examples(["服务不错[赞]"], [("服务不错[赞]", 0)], EMO)
    assert len(examples) == 1
    assert examples[0].label == 0 and examples[0].source == "reviewer"


def test_strip_all_emoticons() -> None:
    assert strip_emoticons("好[赞]的[围观]") == "好的"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", 0.5), ("   ", 0.5), ("。。。！", 0.5), ("@某人 ", 0.5), ("[围观]", 0.5)],
)
def test_empty_texts_are_neutral(text: str, expected: float) -> None:
    assert edge_score(text, EMO, 2.0) == expected


def test_emoticon_only_texts_follow_the_map() -> None:
    assert edge_score("[赞][赞]", EMO, 2.0) == pytest.approx(0.982, abs=1e-3)
    assert edge_score("[怒]", EMO, 2.0) == pytest.approx(0.119, abs=1e-3)
    assert edge_score("[怒]", None, 2.0) == 0.5
    assert edge_score("好", EMO, 2.0) is None  # one real character goes to the engine


def test_label_thresholds() -> None:
    assert label_for(0.39, 0.4, 0.6) == "negative"
    assert label_for(0.4, 0.4, 0.6) == "neutral"
    assert label_for(0.6, 0.4, 0.6) == "neutral"
    assert label_for(0.61, 0.4, 0.6) == "positive"


def test_settings_refuse_crossed_thresholds() -> None:
    with pytest.raises(ValidationError, match="negative_below"):
        SentimentSettings(negative_below=0.7, positive_above=0.3)


def test_text_hash_ignores_spacing_and_width() -> None:
    assert normalize_text("  你好\n\t世界 ") == "你好 世界"
    assert text_hash("ＡＢＣ  好") == text_hash("ABC 好")
    assert len(text_hash("x")) == 64


def test_bad_emoticon_files(tmp_path: Path) -> None:
    missing = tmp_path / "none.toml"
    with pytest.raises(EmoticonMapError, match="无法读取表情极性表"):
        load_emoticon_map(missing)
    bad = tmp_path / "bad.toml"
    bad.write_text('[polarity]\n"赞" = "yes"\n', encoding="utf-8")
    with pytest.raises(EmoticonMapError, match="极性应为"):
        load_emoticon_map(bad)
    bad.write_text('[polarity]\n"赞" = 3\n', encoding="utf-8")
    with pytest.raises(EmoticonMapError, match="超出"):
        load_emoticon_map(bad)
    bad.write_text("x = 1\n", encoding="utf-8")
    with pytest.raises(EmoticonMapError, match=r"缺少 \[polarity\]"):
        load_emoticon_map(bad)
    bad.write_text("[polarity\n", encoding="utf-8")
    with pytest.raises(EmoticonMapError, match="不是合法的 TOML"):
        load_emoticon_map(bad)


def test_read_labelled_csv(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_text("text,label\n很好,1\n太差,negative\n一般,中性\n不错,正面\n", encoding="utf-8")
    data = read_labelled_csv(path)
    assert data.texts == ["很好", "太差", "不错"]
    assert data.labels == [1, 0, 1] and data.skipped_neutral == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("body,label\n好,1\n", "表头应含 text 与 label"),
        ("text,label\n好,maybe\n", "第 2 行的标签 'maybe' 无法识别"),
        ("text,label\n一般,neutral\n", "没有带正负面标签的行"),
    ],
)
def test_bad_labelled_csv(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "l.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LabelledCsvError, match=message):
        read_labelled_csv(path)


def test_labelled_csv_saved_by_excel_in_gbk_with_rows_left_empty(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    content = "text,label,reason\r\n堵了两个小时,0,表情正负混杂\r\n还没看,,模型把握不大\r\n"
    path.write_bytes(content.encode("gbk"))
    data = read_labelled_csv(path)
    assert data.texts == ["堵了两个小时"] and data.labels == [0]
    assert data.skipped_unlabelled == 1


def test_labelled_csv_in_no_known_encoding(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_bytes(b"text,label\n\xff\xfe\xff,1\n")
    with pytest.raises(LabelledCsvError, match="编码无法识别"):
        read_labelled_csv(path)


def test_missing_labelled_csv(tmp_path: Path) -> None:
    with pytest.raises(LabelledCsvError, match="无法打开标注文件"):
        read_labelled_csv(tmp_path / "nope.csv")


def test_csv_pairs_are_prepared_like_scored_texts() -> None:
    examples = examples_from_pairs([("服务很好[赞] @某人", 1), ("[怒]", 0), ("太慢", 0)], EMO)
    assert [(e.text, e.label, e.source) for e in examples] == [
        ("服务很好 @", 1, "csv"),
        ("太慢", 0, "csv"),
    ]
