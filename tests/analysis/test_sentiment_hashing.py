"""The batch hashing of the trained engine's features is scikit-learn's, bit for bit."""

from __future__ import annotations

import random

import numpy as np
import pytest
from scipy.sparse import csr_matrix, random_array
from sklearn.preprocessing import normalize
from sklearn.utils import murmurhash3_32

from analysis.sentiment.hashing import count_matrix, hashed_columns, murmur3_spans
from analysis.sentiment.linear import unit_rows


def test_murmur_of_spans_is_sklearns() -> None:
    rng = random.Random(5)
    pieces = [bytes(rng.randrange(256) for _ in range(rng.randrange(41))) for _ in range(3000)]
    pieces += [b"", b"\0", "好".encode(), "😀".encode(), b"abcd", b"abcde" * 20]
    data = b"".join(pieces)
    lengths = np.array([len(p) for p in pieces], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    ours = murmur3_spans(data, starts, lengths)
    assert ours.tolist() == [murmurhash3_32(p, seed=0, positive=False) for p in pieces]


def test_overlapping_spans() -> None:
    """Spans may overlap (a character and the pair it starts) and end the buffer."""
    data = "路况良好ok".encode()
    starts = np.array([0, 0, 3, 9, 12, 13], dtype=np.int64)
    lengths = np.array([3, 6, 9, 3, 2, 1], dtype=np.int64)
    expected = [
        murmurhash3_32(data[s : s + n], seed=0) for s, n in zip(starts, lengths, strict=True)
    ]
    assert murmur3_spans(data, starts, lengths).tolist() == expected


@pytest.mark.parametrize("n_features", [2**20, 1000, 7])
def test_columns_as_feature_hasher_computes_them(n_features: int) -> None:
    hashes = np.array([0, 1, -1, 2**31 - 1, -(2**31), -(2**31) + 1, 123456789], dtype=np.int32)
    # FeatureHasher's own formula, -2**31 included (sklearn/feature_extraction/_hashing_fast).
    expected = [
        (2147483647 - (n_features - 1)) % n_features if h == -(2**31) else abs(h) % n_features
        for h in hashes.tolist()
    ]
    assert hashed_columns(hashes, n_features).tolist() == expected


def test_count_matrix_sorts_and_sums() -> None:
    rows = np.array([2, 0, 0, 2, 0, 2], dtype=np.int64)
    columns = np.array([5, 9, 1, 5, 9, 0], dtype=np.int64)
    matrix = count_matrix(rows, columns, 4, 10)
    assert matrix.shape == (4, 10) and matrix.dtype == np.float32
    assert matrix.indptr.tolist() == [0, 2, 2, 4, 4]
    assert matrix.indices.tolist() == [1, 9, 0, 5]
    assert matrix.data.tolist() == [1.0, 2.0, 1.0, 2.0]


def test_unit_rows_is_sklearns_normalize() -> None:
    rng = np.random.default_rng(3)
    sparse = random_array((300, 5000), density=0.01, dtype=np.float32, rng=rng).tocoo()
    kept = sparse.row != 7  # an empty row stays empty
    values = sparse.data[kept] * np.float32(37.0)
    matrix = csr_matrix((values, (sparse.row[kept], sparse.col[kept])), shape=sparse.shape)
    expected = normalize(matrix.copy(), copy=False)
    ours = unit_rows(matrix.copy())
    assert ours.dtype == np.float32
    assert np.array_equal(ours.indptr, expected.indptr)
    assert np.array_equal(ours.data, expected.data)  # to the last bit
