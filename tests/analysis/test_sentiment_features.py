"""The trained engine's features are exactly scikit-learn's analyzers' (the models were trained
on them, and a saved model must score as it did when it was trained)."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.sparse import hstack
from sklearn.feature_extraction.text import HashingVectorizer

from analysis.sentiment.emoticons import EmoticonMap
from analysis.sentiment.features import (
    Spans,
    _batch_words,
    _words_cutter,
    char_spans,
    hashers,
    jieba_words,
    word_spans,
)
from analysis.sentiment.linear import CHAR_NGRAMS, WORD_NGRAMS, _idf, fit_linear_model, model_text

TEXTS = [
    "",
    " ",
    "好",
    "A  B\t\nC",
    "ＡＢＣ  测试\u3000全角  ",
    "G25长深高速  封闭，ETC 缴费 Club-Vac",
    "地铁又晚点了[怒]//@某人:转发微博 http://t.cn/abc",
    "😀😀 emoji 表情 👨‍👩‍👧 🇨🇳",
    "好 " * 300,
    "İstanbul ǅ ß ΟΔΟΣ ΣΟΦΟΣ",  # lowercasing that depends on context or changes length
    "ΑΝ",  # a final sigma before it in the batch stays final
    "\u0301ΟΔΟΣ",
    "\x00零\x00 \u200b e\u0301 ﷽",
    "   \t\n  ",
    "路况" * 3000 + " ok 123 " * 200,
]
EMO = EmoticonMap({"怒": -1.0})


def _sklearn() -> tuple[HashingVectorizer, HashingVectorizer]:
    common = {"n_features": 2**20, "alternate_sign": False, "norm": None, "dtype": np.float32}
    chars = HashingVectorizer(analyzer="char", ngram_range=CHAR_NGRAMS, **common)
    words = HashingVectorizer(
        tokenizer=jieba_words, token_pattern=None, ngram_range=WORD_NGRAMS, **common
    )
    return chars, words


def _strings(spans: Spans, row: int) -> list[str]:
    """The features of one text, as strings."""
    return [
        spans.data[start : start + length].decode("utf-8")
        for start, length, r in zip(spans.starts, spans.lengths, spans.rows, strict=True)
        if r == row
    ]


@pytest.mark.parametrize("text", TEXTS)
def test_features_are_sklearns_analyzers(text: str) -> None:
    chars, words = _sklearn()
    for raw in (text, model_text(text, EMO)):
        assert sorted(_strings(char_spans([raw]), 0)) == sorted(chars.build_analyzer()(raw))
        assert sorted(_strings(word_spans([raw]), 0)) == sorted(words.build_analyzer()(raw))


@pytest.mark.parametrize("with_nul", [False, True])
def test_features_of_a_batch_stay_within_their_text(with_nul: bool) -> None:
    """No character or word pair spans two texts of a batch, whether or not a text holds the
    separator the batch is lowered with."""
    texts = [t for t in TEXTS if with_nul or "\0" not in t]
    assert any("\0" in t for t in texts) == with_nul
    chars, words = _sklearn()
    for spans, theirs in ((char_spans(texts), chars), (word_spans(texts), words)):
        assert set(spans.rows.tolist()) <= set(range(len(texts)))
        for row, text in enumerate(texts):
            assert sorted(_strings(spans, row)) == sorted(theirs.build_analyzer()(text))


def test_no_texts() -> None:
    for spans in (char_spans([]), word_spans([])):
        assert len(spans.starts) == len(spans.rows) == 0


@pytest.mark.parametrize("with_nul", [False, True])
@pytest.mark.parametrize("prepare", [False, True])
def test_hashed_rows_are_sklearns(prepare: bool, with_nul: bool) -> None:
    texts = [t for t in TEXTS if with_nul or "\0" not in t]
    texts = [model_text(t, EMO) for t in texts] if prepare else texts
    for ours, theirs in zip(hashers(2**20), _sklearn(), strict=True):
        a, b = ours.transform(texts), theirs.transform(texts)
        assert a.shape == b.shape and (a != b).nnz == 0
        b.sort_indices()  # FeatureHasher's rows come sorted and summed, and so do ours
        assert np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices)
        assert a.data.dtype == np.float32 and np.array_equal(a.data, b.data)


def test_hashed_rows_of_texts_without_features() -> None:
    for ours in hashers(2**20):
        empty = ours.transform(["", ""])
        assert empty.shape == (2, 2**20) and empty.nnz == 0


def test_asking_for_the_current_model_loads_no_numeric_library(tmp_path: Path) -> None:
    """Every analysis asks which model is current (its inputs' fingerprint); a run with nothing
    new must not pay for importing numpy, scipy and jieba's dictionary to learn it."""
    code = (
        "import sys; from pathlib import Path; "
        "from analysis.sentiment.store import current_model_folder; "
        f"current_model_folder(Path({str(tmp_path)!r})); "
        "print(sorted(m for m in ('numpy', 'scipy', 'rjieba', 'sklearn') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_training_fits_the_model_sklearns_features_give() -> None:
    """fit_linear_model shares the hashing: its model is the one scikit-learn's vectorizers,
    normalize and the same classifier give, array for array."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import normalize

    rng = random.Random(11)
    good, bad = ["很好", "感谢", "点赞", "辛苦了", "great"], ["太差", "投诉", "拥堵", "垃圾", "bad"]
    filler = ["今天", "高速", "地铁", "😀", "  ", "ETC", "路况", "服务"]
    texts, labels = [], []
    for i in range(300):
        words = [*rng.sample(filler, 3), rng.choice(good if i % 2 else bad)]
        rng.shuffle(words)
        texts.append(model_text(" ".join(words), EMO))
        labels.append(i % 2)
    model = fit_linear_model(texts, labels, n_features=2**20)

    blocks = []
    for vectorizer, idf in zip(_sklearn(), (model.char_idf, model.word_idf), strict=True):
        counts = vectorizer.transform(texts)
        assert np.array_equal(_idf(counts), idf)
        counts.data = (1.0 + np.log(counts.data)) * idf[counts.indices]
        counts.eliminate_zeros()
        blocks.append(normalize(counts, copy=False))
    classifier = LogisticRegression(C=3.0, max_iter=3000, class_weight="balanced")
    classifier.fit(hstack(blocks).tocsr(), np.asarray(labels, dtype=np.int64))
    assert np.array_equal(classifier.coef_[0].astype(np.float32), model.coef)
    assert float(classifier.intercept_[0]) == model.intercept


def test_words_read_in_numpy_and_one_by_one_agree() -> None:
    """The batch's words are read from jieba's tokens in numpy unless a text holds the
    characters that reading relies on (NUL, \\x01); both ways give scikit-learn's features."""
    words = _sklearn()[1]
    plain = [t for t in TEXTS if "\0" not in t]
    lowered = [t.lower() for t in plain]
    assert _batch_words(_words_cutter().cut("\0".join(lowered), False), lowered) is not None
    for texts in (plain, [*plain, "前方\x01拥堵 a\x01b"]):
        spans = word_spans(texts)
        for row, text in enumerate(texts):
            assert sorted(_strings(spans, row)) == sorted(words.build_analyzer()(text))


def test_many_texts_are_hashed_a_chunk_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Training hashes every text in one call, a chunk at a time: the same rows."""
    import analysis.sentiment.features as features

    monkeypatch.setattr(features, "CHUNK", 3)
    for ours, theirs in zip(hashers(2**20), _sklearn(), strict=True):
        a, b = ours.transform(TEXTS), theirs.transform(TEXTS)
        b.sort_indices()
        assert a.shape == b.shape and np.array_equal(a.indptr, b.indptr)
        assert np.array_equal(a.indices, b.indices) and np.array_equal(a.data, b.data)
        assert a.data.dtype == np.float32
