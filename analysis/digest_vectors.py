"""TF-IDF rows of a digest run's texts, counted once for every scope.

Each scope (the system, each unit's subtree) clusters its own texts with inverse document
frequencies over its own texts (analysis/topics/cluster.py ``vectorize``), so its rows cannot
be shared. What can is the counting: a text is in the system's scope, its unit's and every unit
above. Here each text's features are counted once per run, as numbers
(analysis/topics/tfidf.py); a scope's matrix is then cut from those counts, and is the matrix
``vectorize`` gives for those texts alone, entry for entry and in the same order.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import cast

import numpy as np
from scipy import sparse

from analysis.topics.cluster import vectorize
from analysis.topics.features import TextTokens
from analysis.topics.labels import words_held
from analysis.topics.tfidf import Counted, FeatureIds, joined, positions, tfidf_rows


class RunVectors:
    """``vectorize(tokens)`` for the texts of one run, their features counted once.

    Texts are known by their token objects (the run's featurizer hands out one object per
    text, analysis.digest_tokens), which this object keeps, so an identity stays theirs."""

    def __init__(self) -> None:
        self._features = FeatureIds()
        self._parts: list[Counted] = []  # each text's features, as numbers, in run order
        self._rows: dict[int, int] = {}  # id(tokens) → row
        self._held: list[TextTokens] = []
        # Which words each text holds, for the topics' labels, kept as machine integers (a
        # province week has millions of entries).
        self._word_ids: dict[str, int] = {}
        self._word_starts = array("q", [0])
        self._words = array("i")
        self._word_arrays: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None

    def _count(self, new: Sequence[TextTokens]) -> None:
        """Count the features and words of texts new to the run, a row each, in order."""
        self._word_arrays = None  # views of the arrays about to grow (which they would refuse)
        self._parts.append(self._features.count(new))
        word_ids = self._word_ids
        word_of = word_ids.get
        words, word_starts = self._words, self._word_starts
        rows, held = self._rows, self._held
        for tokens in new:
            distinct = dict.fromkeys(tokens.words)
            known = list(map(word_of, distinct))
            if None in known:
                words.extend([word_ids.setdefault(w, len(word_ids)) for w in distinct])
            else:
                words.extend(cast(list[int], known))
            word_starts.append(len(words))
            rows[id(tokens)] = len(held)
            held.append(tokens)

    def _rows_of(self, tokens: Sequence[TextTokens]) -> np.ndarray:
        known = self._rows.get
        found_rows = [known(id(t)) for t in tokens]
        if None in found_rows:
            # Each text new to the run once (a scope may hold the same token object twice).
            new = {id(t): t for t, row in zip(tokens, found_rows, strict=True) if row is None}
            self._count(list(new.values()))
            found_rows = [known(id(t)) for t in tokens]
        return np.asarray(found_rows, dtype=np.int64)

    def __call__(self, tokens: Sequence[TextTokens]) -> sparse.csr_matrix:
        rows = self._rows_of(tokens)
        if len(self._parts) > 1:
            self._parts = [joined(self._parts)]
        matrix = tfidf_rows(self._parts[0], rows, self._features) if self._parts else None
        return vectorize(tokens) if matrix is None else matrix  # all zero when None

    def words_held(self, tokens: Sequence[TextTokens]) -> tuple[sparse.csr_matrix, np.ndarray]:
        """``labels.words_held(tokens)``: which words each text holds, columns alphabetical."""
        rows = self._rows_of(tokens)
        if self._word_arrays is None:
            words = np.array(list(self._word_ids), dtype=object)  # in the order of their ids
            order = np.array(sorted(range(len(words)), key=words.__getitem__), dtype=np.int64)
            rank = np.empty(len(order), dtype=np.int64)
            rank[order] = np.arange(len(order))
            self._word_arrays = (
                np.frombuffer(self._word_starts, dtype=np.int64),
                np.frombuffer(self._words, dtype=np.int32),
                rank,
                words[order],
            )
        starts, ids, rank, alphabetical = self._word_arrays
        lengths = starts[rows + 1] - starts[rows]
        if not lengths.any():
            return words_held(tokens)  # scikit-learn's own answer where it has no vocabulary
        entries = positions(starts[rows], lengths)
        owner = np.repeat(np.arange(len(rows)), lengths)
        ranks = rank[ids[entries]]
        present = np.zeros(len(rank), dtype=bool)
        present[ranks] = True
        shown = np.flatnonzero(present)  # the scope's words, alphabetical
        vocabulary = alphabetical[shown]
        held = sparse.csr_matrix(
            (np.ones(len(ranks)), (owner, (np.cumsum(present) - 1)[ranks])),
            shape=(len(rows), len(shown)),
        )
        return held, vocabulary
