"""The trained engine's features are exactly scikit-learn's analyzers' (the models were trained
on them, and a saved model must score as it did when it was trained)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import HashingVectorizer

from analysis.sentiment.emoticons import EmoticonMap
from analysis.sentiment.linear import (
    CHAR_NGRAMS,
    WORD_NGRAMS,
    _hashers,
    char_features,
    jieba_words,
    model_text,
    word_features,
)

TEXTS = [
    "",
    " ",
    "好",
    "A  B\t\nC",
    "ＡＢＣ  测试\u3000全角  ",
    "G25长深高速  封闭，ETC 缴费 Club-Vac",
    "地铁又晚点了[怒]//@某人:转发微博 http://t.cn/abc",
    "😀😀 emoji 表情",
    "好 " * 300,
]
EMO = EmoticonMap({"怒": -1.0})


def _sklearn() -> tuple[HashingVectorizer, HashingVectorizer]:
    common = {"n_features": 2**20, "alternate_sign": False, "norm": None, "dtype": np.float32}
    chars = HashingVectorizer(analyzer="char", ngram_range=CHAR_NGRAMS, **common)
    words = HashingVectorizer(
        tokenizer=jieba_words, token_pattern=None, ngram_range=WORD_NGRAMS, **common
    )
    return chars, words


@pytest.mark.parametrize("text", TEXTS)
def test_features_are_sklearns_analyzers(text: str) -> None:
    chars, words = _sklearn()
    for raw in (text, model_text(text, EMO)):
        assert sorted(char_features(raw)) == sorted(chars.build_analyzer()(raw))
        assert sorted(word_features(raw)) == sorted(words.build_analyzer()(raw))


def test_hashed_rows_are_sklearns() -> None:
    texts = [model_text(t, EMO) for t in TEXTS]
    for ours, theirs in zip(_hashers(2**20), _sklearn(), strict=True):
        a, b = ours.transform(texts), theirs.transform(texts)
        assert a.shape == b.shape and (a != b).nnz == 0


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
