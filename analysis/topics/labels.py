"""A topic's name: its most distinctive words (class-based TF-IDF against the window).

A word scores high for a cluster when many of the cluster's texts hold it and few of the
window's other texts do: ``texts of the cluster holding it × log(1 + A / window frequency)``,
``A`` the average number of words per cluster (the c-TF-IDF of BERTopic). Words held by one
text of the cluster only are skipped: a name should be what the texts share; so are words no
at least twice as common in the cluster as in the rest of the window (高速 on a transport
system's accounts).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer

from analysis.topics.features import TextTokens

MIN_LIFT = 2.0  # a word's share of the cluster's texts against its share of the others'


def _words(tokens: TextTokens) -> list[str]:
    return list(tokens.words)


def distinctive_words(
    tokens: Sequence[TextTokens], labels: np.ndarray, count: int, limit: int
) -> list[list[str]]:
    """Up to ``limit`` words of each cluster 0 … count-1, most distinctive first."""
    out: list[list[str]] = [[] for _ in range(count)]
    if not count or not any(t.words for t in tokens):
        return out
    vec = CountVectorizer(analyzer=_words, binary=True, dtype=np.float64)
    held = sparse.csr_matrix(vec.fit_transform(tokens))
    vocabulary = vec.get_feature_names_out()
    rows = np.flatnonzero(labels >= 0)
    members = sparse.csr_matrix(
        (np.ones(rows.size), (labels[rows], rows)), shape=(count, len(tokens))
    )
    per_cluster = (members @ held).toarray()
    window = np.asarray(held.sum(axis=0)).ravel()
    average = max(float(per_cluster.sum()) / count, 1.0)
    weight = per_cluster * np.log1p(average / np.maximum(window, 1.0))
    sizes = np.bincount(labels[rows], minlength=count).astype(np.float64)
    inside = per_cluster / np.maximum(sizes, 1.0)[:, None]
    outside = (window[None, :] - per_cluster) / np.maximum(len(tokens) - sizes, 1.0)[:, None]
    weight[(per_cluster < 2) | (inside < MIN_LIFT * outside)] = 0.0
    for c in range(count):
        top = np.argsort(-weight[c], kind="stable")[:limit]
        out[c] = [str(vocabulary[j]) for j in top if weight[c, j] > 0]
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
