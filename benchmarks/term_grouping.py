"""The term grouping govmon used before issue 17, kept for the benchmark only (not production).

Bursting terms (document frequency in a window against a baseline) were grouped by
co-occurrence into topics, and each text joined the group it matched best.

Two terms are close when most documents of the rarer one also hold the other (the overlap
coefficient: co-occurrences ÷ the smaller document frequency). Terms are grouped by
average-linkage clustering on that closeness: unlike linking every close pair (single
linkage), one generic term that occurs beside two unrelated events does not chain them into
one topic.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.cluster import AgglomerativeClustering


@dataclass(frozen=True)
class TermBurst:
    term: str
    volume: int  # window documents holding the term
    baseline: int  # baseline documents holding the term
    expected: float  # baseline scaled to the window's length
    growth: float  # (volume + 1) / (expected + 1)
    z: float  # (volume - expected) / sqrt(expected + 1)


def document_frequency(docs: Iterable[Iterable[str]]) -> Counter[str]:
    """In how many documents each term appears (each document counted once per term)."""
    counts: Counter[str] = Counter()
    for terms in docs:
        counts.update(set(terms))
    return counts


def burst_terms(
    window_df: Counter[str],
    baseline_df: Counter[str],
    *,
    scale: float,
    min_volume: int,
    min_growth: float,
    min_z: float,
    limit: int,
) -> list[TermBurst]:
    """Terms that burst, strongest first (by z, then volume, then the term for determinism).

    ``scale`` is the window's length divided by the baseline's (24 h / 7 days = 1/7).
    """
    found: list[TermBurst] = []
    for term, volume in window_df.items():
        if volume < min_volume:
            continue
        baseline = baseline_df.get(term, 0)
        expected = baseline * scale
        growth = (volume + 1.0) / (expected + 1.0)
        z = (volume - expected) / math.sqrt(expected + 1.0)
        if growth >= min_growth and z >= min_z:
            found.append(TermBurst(term, volume, baseline, expected, growth, z))
    found.sort(key=lambda b: (-b.z, -b.volume, b.term))
    return found[:limit]


def incidence(doc_terms: Sequence[set[str]], terms: Sequence[str]) -> sparse.csr_matrix:
    """Documents × terms, 1 where the document holds the term."""
    column = {term: j for j, term in enumerate(terms)}
    rows: list[int] = []
    cols: list[int] = []
    for i, held in enumerate(doc_terms):
        for term in held:
            j = column.get(term)
            if j is not None:
                rows.append(i)
                cols.append(j)
    data = np.ones(len(rows), dtype=np.float64)
    return sparse.csr_matrix((data, (rows, cols)), shape=(len(doc_terms), len(terms)))


def overlap_similarity(matrix: sparse.csr_matrix) -> np.ndarray:
    """Overlap coefficient between every two terms (columns)."""
    co = (matrix.T @ matrix).toarray()
    df = np.diag(co).copy()
    smaller = np.minimum.outer(df, df)
    with np.errstate(divide="ignore", invalid="ignore"):
        sim = np.where(smaller > 0, co / smaller, 0.0)
    np.fill_diagonal(sim, 1.0)
    return np.asarray(sim)


def group_terms(
    doc_terms: Sequence[set[str]], terms: Sequence[str], threshold: float
) -> list[list[str]]:
    """Groups of terms (each group in the order of ``terms``; groups by their first term).

    ``terms`` come strongest first, so each group's first term is its strongest.
    """
    if not terms:
        return []
    if len(terms) == 1:
        return [list(terms)]
    sim = overlap_similarity(incidence(doc_terms, terms))
    clustering = AgglomerativeClustering(
        n_clusters=None,
        metric="precomputed",
        linkage="average",
        distance_threshold=1.0 - threshold + 1e-9,
    )
    labels = clustering.fit_predict(1.0 - sim)
    groups: dict[int, list[str]] = {}
    for term, label in zip(terms, labels, strict=True):
        groups.setdefault(int(label), []).append(term)
    order = {term: i for i, term in enumerate(terms)}
    return sorted(groups.values(), key=lambda g: order[g[0]])


def assign_documents(
    doc_terms: Sequence[set[str]],
    groups: Sequence[Sequence[str]],
    weights: dict[str, float] | None = None,
) -> list[int]:
    """For each document, the index of the group it matches best, or -1 for none.

    A document's score for a group is the summed weight of the group's terms it holds; ties go
    to the earlier (stronger) group.
    """
    owner: dict[str, int] = {}
    for position, group in enumerate(groups):
        for term in group:
            owner.setdefault(term, position)
    assigned: list[int] = []
    for held in doc_terms:
        scores: dict[int, float] = {}
        for term in held:
            found = owner.get(term)
            if found is not None:
                weight = 1.0 if weights is None else weights.get(term, 1.0)
                scores[found] = scores.get(found, 0.0) + weight
        if not scores:
            assigned.append(-1)
            continue
        best = max(scores.items(), key=lambda item: (item[1], -item[0]))
        assigned.append(best[0])
    return assigned
