"""The topics' TF-IDF weighting, row normalising and word matrix are scikit-learn's, bit for
bit, without importing it (analysis/topics/weights.py, labels.words_held): the clusters and
labels follow every last bit of these numbers."""

from __future__ import annotations

import random

import numpy as np
import pytest
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.preprocessing import normalize

from analysis.topics.features import TextTokens
from analysis.topics.labels import words_held
from analysis.topics.weights import l2_normalized, tfidf_weighted


def _same(a: sparse.csr_matrix, b: sparse.csr_matrix) -> None:
    assert a.shape == b.shape and a.dtype == b.dtype
    assert np.array_equal(a.indptr, b.indptr)
    assert np.array_equal(a.indices, b.indices)
    assert np.array_equal(a.data, b.data)


def _rows(dtype: type, seed: int, shuffle: bool = False) -> sparse.csr_matrix:
    """Random rows: empty ones, short ones, and a few thousand entries long (a long post)."""
    rng = np.random.default_rng(seed)
    lengths = rng.choice([0, 1, 2, 5, 30, 3000], size=400, p=[0.1, 0.2, 0.3, 0.2, 0.18, 0.02])
    indices = np.concatenate([rng.choice(5000, size=k, replace=False) for k in lengths])
    data = rng.gamma(1.5, 2.0, size=len(indices)).astype(dtype)
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    rows = sparse.csr_matrix((data, indices.astype(np.int32), indptr), shape=(400, 5000))
    if not shuffle:
        rows.sort_indices()
    return rows


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shuffle", [False, True])  # entries out of column order, as in tfidf
def test_rows_are_normalised_as_scikit_learn_does(dtype: type, shuffle: bool) -> None:
    rows = _rows(dtype, 1, shuffle)
    before = rows.copy()
    _same(l2_normalized(rows), sparse.csr_matrix(normalize(rows)))
    _same(rows, before)  # a copy: the single pass keeps the sums beside their normalised rows


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_tfidf_is_scikit_learns(dtype: type) -> None:
    counts = _rows(dtype, 2, shuffle=True)
    counts.data = np.ceil(counts.data)
    expected = TfidfTransformer(norm="l2", smooth_idf=True, sublinear_tf=True).fit_transform(
        counts.copy()
    )
    _same(tfidf_weighted(counts), sparse.csr_matrix(expected))


def test_words_held_is_scikit_learns_binary_count() -> None:
    rng = random.Random(3)
    words = ["G60", "施工", "封路", "服务区", "Ω", "绕行", "a", "¥5"]
    tokens = [
        TextTokens(tuple(rng.choice(words) for _ in range(rng.randrange(0, 6))), b"")
        for _ in range(60)
    ]
    held, vocabulary = words_held(tokens)
    counter = CountVectorizer(analyzer=lambda t: list(t.words), binary=True, dtype=np.float64)
    expected = counter.fit_transform(tokens)
    assert list(vocabulary) == list(counter.get_feature_names_out())
    assert vocabulary.dtype == object
    assert held.dtype == np.float64
    assert np.array_equal(held.toarray(), expected.toarray())
