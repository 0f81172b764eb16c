"""Texts as TF-IDF vectors, clustered into events by cosine distance.

Up to ``agglomerative_max`` texts are clustered by average link (scipy): two groups join while
the mean distance between their texts stays under ``max_distance``, so one shared frequent
word does not chain two events together as single link would. Beyond that bound the full
distance matrix would cost too much memory (it grows with the square of the texts), so texts
are taken in time order and each joins the nearest cluster centre or starts a new cluster
(single pass). Centres are frozen for a batch of texts at a time, which keeps the pass fast;
a new cluster started in the batch is represented by its first text until the batch ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
from scipy import sparse

from analysis.topics.features import TextTokens
from analysis.topics.single_pass import single_pass
from analysis.topics.tfidf import FeatureIds, tfidf_rows
from analysis.topics.weights import l2_normalized

# Texts' tokens → their TF-IDF rows, as ``vectorize`` gives them (a caller clustering many
# overlapping sets of texts may count their features once, analysis/digest_vectors.py).
Vectors = Callable[[Sequence[TextTokens]], sparse.csr_matrix]
# Rows compared with every centre at a time: the block is dense (rows × centres, and a province
# window has thousands of centres), 2048 rows cost ~90 MiB at the peak of a cold analysis.
NEAREST_BLOCK = 512


def vectorize(tokens: Iterable[TextTokens]) -> sparse.csr_matrix:
    """The texts' TF-IDF rows (a text with no shared feature is all zero), as scikit-learn's
    ``TfidfVectorizer(sublinear_tf=True, min_df=2, dtype=float32)`` makes them
    (analysis/topics/tfidf.py).

    Features held by one text only are dropped (``min_df=2``): they cannot make two texts
    alike, and would only dilute the features that can. ``tokens`` is read once, in order, a
    batch at a time: a generator's texts need not all be held at once.
    """
    features = FeatureIds()
    counted = features.count_all(tokens)
    texts = len(counted.starts) - 1
    rows = tfidf_rows(counted, np.arange(texts), features)
    if rows is None:  # no feature in two texts: nothing can cluster, every row is zero
        return sparse.csr_matrix((texts, 1), dtype=np.float32)
    return rows


def _condensed_distances(matrix: sparse.csr_matrix) -> np.ndarray:
    """Cosine distances of every pair (scipy's condensed form), filled a block at a time."""
    n = matrix.shape[0]
    out = np.empty(n * (n - 1) // 2, dtype=np.float64)
    position = 0
    block = 512
    columns = sparse.csr_matrix(matrix.T)  # once: scipy would convert the transpose per block
    for lo in range(0, n - 1, block):
        hi = min(lo + block, n - 1)
        sims = (matrix[lo:hi] @ columns).toarray()
        for r, i in enumerate(range(lo, hi)):
            row = sims[r, i + 1 :]
            out[position : position + row.size] = 1.0 - row
            position += row.size
    np.clip(out, 0.0, 2.0, out=out)
    return out


def agglomerative(matrix: sparse.csr_matrix, max_distance: float) -> np.ndarray:
    """Average-link cluster of each row; rows with no feature are -1."""
    n = matrix.shape[0]
    labels = np.full(n, -1, dtype=np.int64)
    has = np.flatnonzero(matrix.getnnz(axis=1) > 0)
    if has.size == 0:
        return labels
    if has.size == 1:
        labels[has] = 0
        return labels
    # Imported here: a province window is past agglomerative_max (single pass), and scipy's
    # hierarchy module (with scipy.spatial) costs an analysis ~0.2 s and ~17 MiB to import.
    from scipy.cluster.hierarchy import fcluster, linkage

    tree = linkage(_condensed_distances(matrix[has]), method="average")
    labels[has] = fcluster(tree, t=max_distance, criterion="distance") - 1
    return labels


def centres(matrix: sparse.csr_matrix, labels: np.ndarray, count: int) -> sparse.csr_matrix:
    """The L2-normalised mean row of each cluster 0 … count-1."""
    rows = np.flatnonzero(labels >= 0)
    members = sparse.csr_matrix(
        (np.ones(rows.size, dtype=np.float32), (labels[rows], rows)),
        shape=(count, matrix.shape[0]),
    )
    return l2_normalized(sparse.csr_matrix(members @ matrix))


def nearest(
    matrix: sparse.csr_matrix, centre_rows: sparse.csr_matrix, min_similarity: float
) -> np.ndarray:
    """The nearest centre of each row, or -1 when none is at least ``min_similarity``."""
    out = np.full(matrix.shape[0], -1, dtype=np.int64)
    if centre_rows.shape[0] == 0:
        return out
    # A block of rows at a time: rows × centres is dense. The centres' transpose is made
    # once: scipy would convert it for every block (a third of the time, for the same sums).
    columns = sparse.csr_matrix(centre_rows.T)
    for lo in range(0, matrix.shape[0], NEAREST_BLOCK):
        sims = (matrix[lo : lo + NEAREST_BLOCK] @ columns).toarray()
        best = sims.argmax(axis=1)
        found = sims[np.arange(len(best)), best] >= min_similarity
        out[lo : lo + len(best)] = np.where(found, best, -1)
    return out


@dataclass(frozen=True)
class Clustering:
    matrix: sparse.csr_matrix  # one TF-IDF row per text
    labels: np.ndarray  # cluster of each text, 0 … count-1, or -1 for a text with no feature
    count: int
    baseline: sparse.csr_matrix  # one row per baseline text, in the same space


def cluster_texts(
    tokens: Sequence[TextTokens],
    *,
    max_distance: float,
    centre_similarity: float,
    agglomerative_max: int,
    baseline: Iterable[TextTokens] = (),
    vectors: Vectors | None = None,
) -> Clustering:
    """Cluster texts (oldest first): average link up to ``agglomerative_max``, single pass beyond.

    Inverse document frequencies are counted over the texts and the ``baseline`` together:
    words that are common in the baseline (a place always talked about) then weigh less than
    what is new in the window, and baseline texts of another event stay away from the centres.
    Only their rows are kept of the ``baseline`` texts, which may come from a generator.
    """
    both = vectorize(chain(tokens, baseline)) if vectors is None else vectors([*tokens, *baseline])
    matrix = sparse.csr_matrix(both[: len(tokens)])
    if len(tokens) <= agglomerative_max:
        raw = agglomerative(matrix, max_distance)
    else:
        raw = single_pass(matrix, range(len(tokens)), centre_similarity)
    # Number clusters 0 … count-1 in order of first text, so results do not depend on scipy's ids.
    ids: dict[int, int] = {}
    labels = np.full(len(raw), -1, dtype=np.int64)
    for i, label in enumerate(raw.tolist()):
        if label >= 0:
            labels[i] = ids.setdefault(label, len(ids))
    return Clustering(matrix, labels, len(ids), sparse.csr_matrix(both[len(tokens) :]))
