"""A topic's name: its most distinctive words (class-based TF-IDF against the window).

A word scores high for a cluster when many of the cluster's texts hold it and few of the
window's other texts do: ``texts of the cluster holding it × log(1 + A / window frequency)``,
``A`` the average number of words per cluster (the c-TF-IDF of BERTopic). Words held by one
text of the cluster only are skipped: a name should be what the texts share; so are words no
at least twice as common in the cluster as in the rest of the window (高速 on a transport
system's accounts).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import chain

import numpy as np
from scipy import sparse

from analysis.topics.features import TextTokens

MIN_LIFT = 2.0  # a word's share of the cluster's texts against its share of the others'
# Texts' tokens → which words each holds (1.0, float64) and the words of the columns,
# alphabetical, as ``words_held`` gives them (a caller labelling many overlapping sets of texts
# may count their words once, analysis/digest_vectors.py).
WordsHeld = Callable[[Sequence[TextTokens]], tuple[sparse.csr_matrix, np.ndarray]]


def words_held(tokens: Sequence[TextTokens]) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Which words each text holds (1.0), and the words of the columns, alphabetical (those
    some text holds; an object array, as scikit-learn's ``get_feature_names_out``)."""
    vocabulary = sorted({word for text in tokens for word in text.words})
    column = {word: i for i, word in enumerate(vocabulary)}
    held = [[column[word] for word in dict.fromkeys(text.words)] for text in tokens]
    lengths = np.fromiter(map(len, held), dtype=np.int64, count=len(held))
    indptr = np.zeros(len(held) + 1, dtype=np.int32)
    np.cumsum(lengths, out=indptr[1:])
    indices = np.fromiter(chain.from_iterable(held), dtype=np.int32, count=int(indptr[-1]))
    matrix = sparse.csr_matrix(
        (np.ones(len(indices)), indices, indptr), shape=(len(held), len(vocabulary))
    )
    matrix.sort_indices()
    return matrix, np.array(vocabulary, dtype=object)


def distinctive_words(
    tokens: Sequence[TextTokens],
    labels: np.ndarray,
    clusters: Sequence[int],
    limit: int,
    held_by: WordsHeld | None = None,
) -> dict[int, list[str]]:
    """Up to ``limit`` words of each of ``clusters``, most distinctive first.

    Only the clusters asked for are scored (a window has many small clusters; a dense row
    of the vocabulary for each would cost more memory than the clustering).
    """
    out: dict[int, list[str]] = {c: [] for c in clusters}
    if not out or not any(t.words for t in tokens):
        return out
    held, vocabulary = (held_by or words_held)(tokens)
    clustered = labels >= 0
    count = int(labels.max()) + 1 if clustered.any() else 1
    # A: the average number of (text, word) pairs per cluster, over every cluster.
    average = max(float(held[clustered].sum()) / count, 1.0)
    window = np.asarray(held.sum(axis=0)).ravel()
    idf = np.log1p(average / np.maximum(window, 1.0))
    for c in clusters:
        rows = np.flatnonzero(labels == c)
        inside = np.asarray(held[rows].sum(axis=0)).ravel()
        share_in = inside / max(len(rows), 1)
        share_out = (window - inside) / max(len(tokens) - len(rows), 1)
        weight = inside * idf
        weight[(inside < 2) | (share_in < MIN_LIFT * share_out)] = 0.0
        top = np.argsort(-weight, kind="stable")[:limit]
        out[c] = [str(vocabulary[j]) for j in top if weight[j] > 0]
    return out


def label_of(terms: Sequence[str], size: int) -> tuple[str, ...]:
    """The strongest terms, skipping one that is part of (or contains) a term already taken."""
    label: list[str] = []
    for term in terms:
        if any(term in kept or kept in term for kept in label):
            continue
        label.append(term)
        if len(label) == size:
            break
    return tuple(label)
