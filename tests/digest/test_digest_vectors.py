"""The digest run counts each text's topic features once for every scope, and still gives each
scope exactly the TF-IDF rows clustering its texts alone gives (entry for entry, in the same
order: the float sums of the clustering follow it)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from scipy import sparse

from analysis.digest_vectors import RunVectors
from analysis.topics.bigrams import CODE, bigram_code
from analysis.topics.cluster import vectorize
from analysis.topics.features import TextTokens
from analysis.topics.labels import words_held
from analysis.topics.tfidf import Counted, FeatureIds


def _tokens(words: str, bigrams: str = "") -> TextTokens:
    codes = np.array([bigram_code(b) for b in bigrams.split()], dtype=CODE)
    return TextTokens(tuple(words.split()), codes.tobytes())


# Terms met in an order that is not alphabetical, repeated within a text, shared by only some
# scopes, and held by one text only (dropped: min_df=2).
_TEXTS = [
    _tokens("施工 封路 G60 封路", "施工 封路"),
    _tokens("G60 绕行 施工", "绕行"),
    _tokens("服务区 开放 冬季", "服务"),
    _tokens("封路 服务区 施工 施工 孤词", "施工"),
    _tokens("冬季 行车 安全 G60", "冬季 行车"),
    _tokens("行车 安全 绕行", "安全"),
    _tokens(""),
    _tokens("开放 服务区", "开放"),
]


def _same(a: sparse.csr_matrix, b: sparse.csr_matrix) -> None:
    assert a.shape == b.shape
    assert a.dtype == b.dtype
    assert np.array_equal(a.indptr, b.indptr)
    assert np.array_equal(a.indices, b.indices)
    assert np.array_equal(a.data, b.data)


_SCOPES = [
    _TEXTS,  # the system
    [_TEXTS[i] for i in (4, 1, 5, 0)],  # a unit, its texts in another order
    [_TEXTS[i] for i in (2, 3, 7, 6)],  # another unit, with an empty text
    _TEXTS[:2],  # a small unit
    [_TEXTS[1], _TEXTS[2]],  # no term in both texts: sklearn's fallback
    [_TEXTS[3]],  # one text
    [*_TEXTS[:3], *_TEXTS[:3]],  # window and baseline holding the same texts
]


def test_each_scope_gets_the_rows_vectorize_gives_it_alone() -> None:
    run = RunVectors()
    for texts in _SCOPES:
        _same(run(texts), sparse.csr_matrix(vectorize(texts)))


def test_vectorize_reads_texts_from_a_generator_as_from_a_list() -> None:
    """A cold analysis hands the baseline's tokens over as they are made (not all held)."""
    for texts in _SCOPES:
        _same(vectorize(t for t in texts), vectorize(list(texts)))


def test_each_scope_gets_the_words_its_labels_count_alone() -> None:
    run = RunVectors()
    for texts in [*_SCOPES, [_TEXTS[6], _TEXTS[0]]]:
        held, vocabulary = run.words_held(texts)
        alone, alone_vocabulary = words_held(texts)
        assert list(vocabulary) == list(alone_vocabulary)
        assert held.dtype == alone.dtype
        assert np.array_equal(held.toarray(), alone.toarray())


def test_a_text_is_counted_once_per_run(monkeypatch: pytest.MonkeyPatch) -> None:
    counted: list[TextTokens] = []
    count = FeatureIds.count

    def recorded(self: FeatureIds, tokens: Sequence[TextTokens]) -> Counted:
        counted.extend(tokens)
        return count(self, tokens)

    monkeypatch.setattr(FeatureIds, "count", recorded)
    texts = [TextTokens(t.words, t.bigrams) for t in _TEXTS]
    run = RunVectors()
    run(texts)
    run(texts[:4])
    run(texts[3:])
    assert sorted(map(id, counted)) == sorted(map(id, texts))
