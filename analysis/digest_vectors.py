"""TF-IDF rows of a digest run's texts, counted once for every scope.

Each scope (the system, each unit's subtree) clusters its own texts with inverse document
frequencies over its own texts (analysis/topics/cluster.py ``vectorize``), so its rows cannot
be shared. What can is the counting: scikit-learn walks every feature of every text in Python
for each scope, and a text is in the system's scope, its unit's and every unit above. Here each
text's features are counted once per run, as numbers; a scope's matrix is then cut from those
counts with array operations and weighted by the same ``TfidfTransformer``, and is the matrix
``vectorize`` gives for those texts, entry for entry and in the same order (sklearn numbers
features in the order it meets them, keeps those in two texts or more, then renumbers them
alphabetically; the float sums downstream follow that order).
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Sequence
from typing import cast

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfTransformer

from analysis.topics.cluster import vectorize
from analysis.topics.features import TextTokens
from analysis.topics.labels import words_held


class RunVectors:
    """``vectorize(tokens)[1]`` for the texts of one run, their features counted once.

    Texts are known by their token objects (the run's featurizer hands out one object per
    text, analysis.digest_tokens), which this object keeps, so an identity stays theirs."""

    def __init__(self) -> None:
        self._term_ids: dict[str, int] = {}
        self._alphabetical: np.ndarray = np.zeros(0, dtype=np.int64)  # rank of each term
        self._rows: dict[int, int] = {}  # id(tokens) → row
        self._held: list[TextTokens] = []
        # Each row's distinct terms, in the order they first appear, and their counts; kept as
        # machine integers (a province week has millions of entries).
        self._starts = array("q", [0])
        self._ids = array("i")
        self._counts = array("f")
        self._arrays: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        # The same for the words alone (the topics' labels count which texts hold a word).
        self._word_ids: dict[str, int] = {}
        self._word_starts = array("q", [0])
        self._words = array("i")
        self._word_arrays: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None

    def _count(self, new: Sequence[TextTokens]) -> None:
        """Count the features and words of texts new to the run, a row each, in order."""
        self._arrays = None  # views of the arrays about to grow (which they would refuse)
        self._word_arrays = None
        term_ids, word_ids = self._term_ids, self._word_ids
        term_of, word_of = term_ids.get, word_ids.get
        ids, counts, starts = self._ids, self._counts, self._starts
        words, word_starts = self._words, self._word_starts
        rows, held = self._rows, self._held
        for tokens in new:
            counted = Counter(tokens.features())  # in the order the features first appear
            known = list(map(term_of, counted))
            if None in known:  # a feature new to the run gets the next number
                ids.extend([term_ids.setdefault(f, len(term_ids)) for f in counted])
            else:
                ids.extend(cast(list[int], known))
            counts.extend(counted.values())
            starts.append(len(ids))
            distinct = dict.fromkeys(tokens.words)
            known = list(map(word_of, distinct))
            if None in known:
                words.extend([word_ids.setdefault(w, len(word_ids)) for w in distinct])
            else:
                words.extend(cast(list[int], known))
            word_starts.append(len(words))
            rows[id(tokens)] = len(held)
            held.append(tokens)

    def _as_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if self._arrays is None:
            self._arrays = (
                np.frombuffer(self._starts, dtype=np.int64),
                np.frombuffer(self._ids, dtype=np.int32),
                np.frombuffer(self._counts, dtype=np.float32),
            )
            if len(self._alphabetical) != len(self._term_ids):
                terms = list(self._term_ids)  # in the order of their ids
                order = sorted(range(len(terms)), key=terms.__getitem__)
                self._alphabetical = np.empty(len(order), dtype=np.int64)
                self._alphabetical[order] = np.arange(len(order))
        return self._arrays

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
        starts, ids, counts = self._as_arrays()
        lengths = starts[rows + 1] - starts[rows]
        if len(rows) < 2 or not lengths.any():
            return vectorize(tokens)[1]  # sklearn's own answer where it has no vocabulary
        entries, owner = _entries(starts, rows, lengths)
        terms, values = ids[entries], counts[entries]
        del entries
        # Counted over the run's term numbers (no sorting of the entries): in how many texts
        # each term is, and where it is first met (sklearn numbers terms in that order).
        vocabulary = len(self._term_ids)
        documents = np.bincount(terms, minlength=vocabulary)
        kept = documents >= 2  # min_df=2
        if not kept.any():
            return vectorize(tokens)[1]
        first = np.full(vocabulary, len(terms), dtype=np.int64)
        np.minimum.at(first, terms, np.arange(len(terms), dtype=np.int64))
        found = np.flatnonzero(documents)
        met = np.empty(vocabulary, dtype=np.int64)
        met[found[np.argsort(first[found], kind="stable")]] = np.arange(len(found))
        keep = kept[terms]
        terms, values, owner = terms[keep], values[keep], owner[keep]
        # Within a text, entries in the order the terms were met (a text holds a term once);
        # columns numbered alphabetically among the kept terms.
        order = np.argsort(owner * len(found) + met[terms], kind="stable")
        kept_terms = np.flatnonzero(kept)
        column = np.empty(len(self._alphabetical), dtype=np.int64)
        column[kept_terms[np.argsort(self._alphabetical[kept_terms], kind="stable")]] = np.arange(
            len(kept_terms)
        )
        indptr = np.zeros(len(rows) + 1, dtype=np.int32)
        np.cumsum(np.bincount(owner, minlength=len(rows)), out=indptr[1:])
        counted = sparse.csr_array(
            (values[order], column[terms[order]].astype(np.int32), indptr),
            shape=(len(rows), len(kept_terms)),
            dtype=np.float32,
        )
        weights = TfidfTransformer(norm="l2", use_idf=True, smooth_idf=True, sublinear_tf=True)
        weights.fit(counted)
        return sparse.csr_matrix(weights.transform(counted, copy=False))

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
            return words_held(tokens)  # sklearn's own answer where it has no vocabulary
        entries, owner = _entries(starts, rows, lengths)
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


def _entries(starts: np.ndarray, rows: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, ...]:
    """Positions of the rows' entries, row after row, and the row (0 …) each belongs to."""
    offsets = np.repeat(starts[rows] - np.cumsum(lengths) + lengths, lengths)
    entries = offsets + np.arange(int(lengths.sum()))
    return entries, np.repeat(np.arange(len(rows)), lengths)
