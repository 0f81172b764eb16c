"""TF-IDF weighting and L2 row normalising of sparse rows, with scikit-learn's arithmetic.

scikit-learn did this for the topics (``TfidfTransformer``, ``preprocessing.normalize``), and
importing it cost every analysis and digest ~0.6 s CPU and ~48 MiB of memory for these few
lines. The results are its own bit for bit (tests/analysis/test_topic_weights.py compares them
with scikit-learn's, which stays a dependency of training the sentiment model):

- idf, in the rows' float type: ``log((n + 1) / (df + 1)) + 1``;
- sublinear term frequency: ``log(tf) + 1``, in place;
- a row's L2 norm as scikit-learn's Cython loop takes it: the squares made in the rows' float
  type and added one after another, in stored order, into a double from 0.0; each entry divided
  by the norm's square root in double and stored back in the rows' type; an all-zero row left
  as it is.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

_BLOCK = 16_384  # rows divided at a time


def l2_normalized(rows: sparse.csr_matrix | sparse.csr_array) -> sparse.csr_matrix:
    """A copy of ``rows`` (CSR, float32 or float64) with each row of unit L2 norm."""
    data = rows.data.copy()
    indptr = np.asarray(rows.indptr).copy()
    _normalize_rows(data, indptr)
    return sparse.csr_matrix((data, rows.indices.copy(), indptr), shape=rows.shape)


def _normalize_rows(data: np.ndarray, indptr: np.ndarray) -> None:
    """Divide each row's entries of ``data`` by the row's L2 norm, in place."""
    lengths = np.diff(indptr)
    sums = np.zeros(len(lengths), dtype=np.float64)
    # Added in stored order, row by row: the j-th entry of every row that has one, for j = 0,
    # 1, … (a sum taken any other way can differ in the last bit, and so can a cosine). Rows
    # longest first, so the rows with a j-th entry are a prefix.
    by_length = np.argsort(-lengths, kind="stable")
    starts = indptr[:-1][by_length]
    longer = len(lengths) - np.cumsum(np.bincount(lengths))  # rows with more than j entries
    for j, active in enumerate(longer[:-1].tolist() if len(lengths) else []):
        values = data[starts[:active] + j]
        sums[by_length[:active]] += (values * values).astype(np.float64)
    norms = np.sqrt(sums)
    norms[sums == 0.0] = 1.0  # an all-zero row is left as it is
    # A block of rows at a time: the entries' norms in double are as long as the data.
    for lo in range(0, len(lengths), _BLOCK):
        hi = min(lo + _BLOCK, len(lengths))
        part = slice(int(indptr[lo]), int(indptr[hi]))
        per_entry = np.repeat(norms[lo:hi], lengths[lo:hi])
        data[part] = data[part].astype(np.float64) / per_entry


def tfidf_weighted(counts: sparse.csr_matrix | sparse.csr_array) -> sparse.csr_matrix:
    """``TfidfTransformer(norm="l2", smooth_idf=True, sublinear_tf=True).fit_transform``
    of term counts (CSR, float32 or float64), their idf counted over these rows."""
    dtype = counts.dtype
    frequencies = np.bincount(counts.indices, minlength=counts.shape[1]).astype(dtype)
    frequencies += 1.0
    idf = np.full_like(frequencies, fill_value=counts.shape[0] + 1, dtype=dtype)
    idf /= frequencies
    np.log(idf, out=idf)
    idf += 1.0
    data = counts.data.copy()
    np.log(data, out=data)
    data += 1.0
    data *= idf[counts.indices]
    _normalize_rows(data, np.asarray(counts.indptr))
    return sparse.csr_matrix((data, counts.indices, counts.indptr), shape=counts.shape)
