"""Topic features counted as numbers give scikit-learn's TF-IDF matrix entry for entry, in the
same order (the clustering's float sums follow it), and bigram codes are the character pairs
of the definition."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from analysis.topics.bigrams import CODE, bigram_code, bigram_codes, bigram_name, codes_of
from analysis.topics.cluster import vectorize
from analysis.topics.features import TextTokens
from analysis.topics.tfidf import FeatureIds, tfidf_rows

# Words that sort before and after the bigrams' mark (·, U+00B7), and bigram pairs some of
# which are also words: the columns interleave.
_WORDS = ["G60", "ETC", "施工", "封路", "服务区", "大桥", "¥5", "Ω", "绕行", "冬季", "交通", "a"]
_PAIRS = ["施工", "大桥", "桥头", "封路", "冬季", "行车", "安全", "一丁", "龥龥"]


def _names(tokens: TextTokens) -> tuple[str, ...]:
    return tokens.words + tuple(bigram_name(c) for c in codes_of(tokens.bigrams).tolist())


def _sklearn(texts: list[TextTokens]) -> sparse.csr_matrix:
    vectorizer = TfidfVectorizer(
        analyzer=_names, sublinear_tf=True, min_df=2, dtype=np.float32, norm="l2"
    )
    try:
        return sparse.csr_matrix(vectorizer.fit_transform(texts))
    except ValueError:  # no feature in two texts
        return sparse.csr_matrix((len(texts), 1), dtype=np.float32)


def _same(a: sparse.csr_matrix, b: sparse.csr_matrix) -> None:
    assert a.shape == b.shape
    assert a.dtype == b.dtype and a.indices.dtype == b.indices.dtype
    assert np.array_equal(a.indptr, b.indptr)
    assert np.array_equal(a.indices, b.indices)
    assert np.array_equal(a.data, b.data)


def _random_texts(seed: int, count: int) -> list[TextTokens]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        words = tuple(rng.choice(_WORDS) for _ in range(rng.randrange(0, 7)))
        pairs = [bigram_code(rng.choice(_PAIRS)) for _ in range(rng.randrange(0, 7))]
        texts.append(TextTokens(words, np.array(pairs, dtype=CODE).tobytes()))
    return texts


@pytest.mark.parametrize(("seed", "count"), [(1, 0), (2, 1), (3, 2), (4, 3), (5, 40), (6, 500)])
def test_vectorize_is_scikit_learns_matrix(seed: int, count: int) -> None:
    texts = _random_texts(seed, count)
    _same(vectorize(texts), _sklearn(texts))


def test_counting_in_batches_gives_the_same_rows() -> None:
    """A cold analysis counts the baseline a batch at a time, as the tokens are made."""
    texts = _random_texts(7, 300)
    features = FeatureIds()
    counted = features.count_all(iter(texts), batch=7)
    rows = tfidf_rows(counted, np.arange(len(texts)), features)
    assert rows is not None
    _same(rows, _sklearn(texts))


def test_a_word_spelt_as_a_bigram_is_that_bigrams_column() -> None:
    """scikit-learn counts features by name: a word "·施工" (from a user dictionary, say) and
    the bigram 施工 are one column."""
    pair = np.array([bigram_code("施工")], dtype=CODE).tobytes()
    texts = [
        TextTokens(("·施工", "封路"), b""),
        TextTokens(("封路",), pair),
        TextTokens(("·施工",), pair),
        TextTokens(("·X",), pair),
    ]
    _same(vectorize(texts), _sklearn(texts))


def test_texts_without_a_shared_feature_are_all_zero() -> None:
    texts = [TextTokens(("施工",), b""), TextTokens(("封路",), b""), TextTokens((), b"")]
    _same(vectorize(texts), sparse.csr_matrix((3, 1), dtype=np.float32))


def _pairs_by_definition(text: str) -> list[int]:
    runs = re.findall(r"[\u4e00-\u9fff]+", text)
    return [bigram_code(run[i : i + 2]) for run in runs for i in range(len(run) - 1)]


def test_bigram_codes_are_the_pairs_of_each_text() -> None:
    texts = [
        "G25长深高速封闭，请问几点恢复",
        "",
        "末尾是汉字",
        "开头也是汉字😀表情😀之间",  # astral characters between runs
        "孤立代理\ud83d之后",  # a lone surrogate, as a text from the internet may hold
        "一",
        "丁龥一",  # the range's first and last characters
        "ABC 123",
    ]
    codes = bigram_codes(texts)
    assert [codes_of(c).tolist() for c in codes] == [_pairs_by_definition(t) for t in texts]
    assert [bigram_name(c)[1:] for c in codes_of(codes[0]).tolist()][:2] == ["长深", "深高"]
