"""The question classifier (第十六条) on the labelled sets, and its decisions one by one."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from analysis.questions import QuestionClassifier, QuestionCues, score
from analysis.rule_settings import QuestionsSettings

DATA = Path(__file__).resolve().parent.parent / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def classifier() -> QuestionClassifier:
    return QuestionClassifier.default()


def test_labelled_set_is_large_and_varied() -> None:
    rows = _rows("questions_labelled.csv")
    assert len(rows) >= 300
    assert {r["label"] for r in rows} == {"0", "1"}
    kinds = {r["kind"] for r in rows}
    assert {"rhetorical", "exclaim", "to_other", "sarcasm", "ask_noqm"} <= kinds
    assert len({r["text"] for r in rows}) == len(rows)


@pytest.mark.parametrize("name", ["questions_labelled.csv", "questions_holdout.csv"])
def test_precision_and_recall(classifier: QuestionClassifier, name: str) -> None:
    rows = _rows(name)
    s = score(classifier.classify(r["text"] for r in rows), [r["label"] == "1" for r in rows])
    print(f"{name}: precision {s.precision:.3f} recall {s.recall:.3f}")
    assert s.precision >= 0.90
    assert s.recall >= 0.85


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("请问G2今天通行了吗", True),  # request, no question mark
        ("ETC扣费两次了怎么办", True),  # interrogative word
        ("今天长江轮渡开不开", True),  # A-not-A
        ("@某省高速公路 今天堵成这样是出事故了吗", True),  # @ an official account
        ("@小王同学 你怎么知道的？", False),  # @ another commenter
        ("回复@开车的老李:你在哪个收费站？", False),
        ("楼上的，你是怎么办下来的？", False),
        ("难道你们不知道这条路天天堵吗？", False),  # rhetorical
        ("知道为什么堵吗？因为收费站只开两个口", False),  # self-answered
        ("怎么又涨价了！", False),  # exclamation
        ("说好的畅通呢？", False),  # sarcasm
        ("我妈问我什么时候回家", False),  # reported speech
        ("已阅", False),
        ("", False),
    ],
)
def test_decisions(classifier: QuestionClassifier, text: str, asks: bool) -> None:
    assert classifier.is_question(text) is asks


def test_reason_is_given_in_chinese(classifier: QuestionClassifier) -> None:
    verdict = classifier.explain("难道收费站多开几个口子很难吗")
    assert not verdict.asks
    assert "难道" in verdict.reason


def test_account_name_makes_a_mention_official(classifier: QuestionClassifier) -> None:
    text = "@小蓝鲸 末班车几点？"
    assert not classifier.is_question(text)
    assert classifier.is_question(text, account_names=["小蓝鲸"])


def test_edited_cue_lists_are_used(tmp_path: Path) -> None:
    requests = tmp_path / "requests.txt"
    requests.write_text("# 自定义\n求助\n", encoding="utf-8")
    cues = QuestionCues.load(QuestionsSettings(requests_wordlist=str(requests)))
    custom = QuestionClassifier(cues)
    assert custom.is_question("求助 收费站车道全关了")
    assert cues.fingerprint() != QuestionCues.load().fingerprint()


def test_missing_cue_list_names_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    with pytest.raises(FileNotFoundError, match=r"词表文件不存在.*nope\.txt"):
        QuestionCues.load(QuestionsSettings(cues_wordlist=str(missing)))


def test_score_rejects_lengths_that_differ() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        score([True], [True, False])
