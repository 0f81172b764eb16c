"""TF-IDF rows of texts' topic features, as scikit-learn's ``TfidfVectorizer`` makes them
(``sublinear_tf``, ``min_df=2``, float32, L2 rows), counted with array operations.

scikit-learn walks every feature of every text in Python; here a batch's features become
numbers at once (words through one dictionary, bigrams as codes, analysis/topics/bigrams.py)
and the matrix is cut from those numbers. It is scikit-learn's matrix entry for entry and in
the same order: scikit-learn numbers features in the order it first meets them, sorts each
row's entries by that number, keeps the features held by two texts or more and renumbers them
alphabetically without sorting the rows again; the float sums downstream (normalising, cosine
products) follow that order, so the clusters do too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, islice

import numpy as np
from scipy import sparse

from analysis.topics.bigrams import CODE, bigram_code_of_name, bigram_name
from analysis.topics.features import TextTokens
from analysis.topics.weights import tfidf_weighted


@dataclass(frozen=True)
class Counted:
    """Each text's distinct features, in the order first met in the text, with their counts."""

    starts: np.ndarray  # int64: text i's entries are starts[i] … starts[i + 1]
    ids: np.ndarray  # int32 feature numbers (FeatureIds)
    counts: np.ndarray  # float32


class FeatureIds:
    """Numbers for features, words and bigram codes alike. Grows as texts are counted; a
    number never changes."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}  # word → number
        # Bigram codes known, ascending, and their numbers: looked up a batch at a time.
        self._codes = np.zeros(0, dtype=np.int64)
        self._code_ids = np.zeros(0, dtype=np.int32)
        self._names: list[str] = []
        self._ranks = np.zeros(0, dtype=np.int64)

    def __len__(self) -> int:
        return len(self._names)

    def _number_words(self, words: Sequence[str]) -> None:
        """Number the words not numbered yet, in order. A word spelt as a bigram's name (the
        mark and two ideographs) is that bigram's feature, as scikit-learn counts by name."""
        ids, names = self._ids, self._names
        for word in words:
            if word not in ids:
                code = bigram_code_of_name(word)
                if code is not None:
                    ids[word] = int(self._number_codes(np.array([code], dtype=np.int64))[0])
                else:
                    ids[word] = len(names)
                    names.append(word)

    def _number_codes(self, codes: np.ndarray) -> np.ndarray:
        """The numbers of distinct, ascending bigram ``codes``; new ones numbered next."""
        at = np.searchsorted(self._codes, codes)
        known = at < len(self._codes)
        known[known] = self._codes[at[known]] == codes[known]
        out = np.empty(len(codes), dtype=np.int32)
        out[known] = self._code_ids[at[known]]
        new = codes[~known]
        if len(new):
            numbers = np.arange(len(self._names), len(self._names) + len(new), dtype=np.int32)
            self._names.extend(map(bigram_name, new.tolist()))
            out[~known] = numbers
            merged = np.concatenate([self._codes, new])
            order = np.argsort(merged, kind="stable")
            self._codes = merged[order]
            self._code_ids = np.concatenate([self._code_ids, numbers])[order]
        return out

    def count(self, tokens: Sequence[TextTokens]) -> Counted:
        """The texts' features as :class:`Counted` rows, one per text, in order."""
        n = len(tokens)
        words = list(chain.from_iterable(t.words for t in tokens))
        known = list(map(self._ids.get, words))
        if None in known:
            self._number_words(words)
            known = list(map(self._ids.__getitem__, words))
        word_ids = np.array(known, dtype=np.int32)
        codes = np.frombuffer(b"".join(t.bigrams for t in tokens), dtype=CODE)
        distinct_codes, inverse = np.unique(codes, return_inverse=True)
        bigram_ids = self._number_codes(distinct_codes.astype(np.int64))[inverse.reshape(-1)]
        word_lengths = np.fromiter((len(t.words) for t in tokens), dtype=np.int64, count=n)
        bigram_lengths = np.fromiter(
            (len(t.bigrams) // CODE.itemsize for t in tokens), dtype=np.int64, count=n
        )
        # The features in the order scikit-learn meets them: a text's words, then its bigrams.
        lengths = word_lengths + bigram_lengths
        begins = np.zeros(n, dtype=np.int64)
        np.cumsum(lengths[:-1], out=begins[1:])
        sequence = np.empty(int(lengths.sum()), dtype=np.int64)
        sequence[positions(begins, word_lengths)] = word_ids
        sequence[positions(begins + word_lengths, bigram_lengths)] = bigram_ids
        rows = np.repeat(np.arange(n, dtype=np.int64), lengths)
        vocabulary = max(len(self), 1)
        keys, first, counts = np.unique(
            rows * vocabulary + sequence, return_index=True, return_counts=True
        )
        met = np.argsort(first, kind="stable")  # each text's distinct features as first met
        keys = keys[met]
        starts = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(keys // vocabulary, minlength=n), out=starts[1:])
        return Counted(starts, (keys % vocabulary).astype(np.int32), counts[met].astype(np.float32))

    def count_all(self, tokens: Iterable[TextTokens], batch: int = 8192) -> Counted:
        """:meth:`count` of texts read once, a batch at a time (a generator's texts need not
        all be held at once)."""
        texts = iter(tokens)
        parts = []
        while chunk := list(islice(texts, batch)):
            parts.append(self.count(chunk))
        return joined(parts)

    def ranks(self) -> np.ndarray:
        """The alphabetical rank of each feature's name, by number."""
        if len(self._ranks) != len(self._names):
            names = self._names
            order = sorted(range(len(names)), key=names.__getitem__)
            self._ranks = np.empty(len(order), dtype=np.int64)
            self._ranks[order] = np.arange(len(order))
        return self._ranks


def joined(parts: Sequence[Counted]) -> Counted:
    """The rows of ``parts``, one after another."""
    if len(parts) == 1:
        return parts[0]
    starts = [np.zeros(1, dtype=np.int64)]
    offset = 0
    for part in parts:
        starts.append(part.starts[1:] + offset)
        offset += int(part.starts[-1])
    return Counted(
        np.concatenate(starts),
        np.concatenate([p.ids for p in parts] or [np.zeros(0, dtype=np.int32)]),
        np.concatenate([p.counts for p in parts] or [np.zeros(0, dtype=np.float32)]),
    )


def positions(begins: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """begins[i], begins[i] + 1, … for lengths[i] entries, row after row."""
    total = int(lengths.sum())
    offsets = np.repeat(begins - np.cumsum(lengths) + lengths, lengths)
    return offsets + np.arange(total, dtype=np.int64)


def tfidf_rows(
    counted: Counted, rows: np.ndarray, features: FeatureIds
) -> sparse.csr_matrix | None:
    """The TF-IDF matrix of texts ``rows`` of ``counted`` alone (their own document
    frequencies), or None when no feature is held by two of them (scikit-learn refuses)."""
    starts = counted.starts
    lengths = starts[rows + 1] - starts[rows]
    if len(rows) < 2 or not lengths.any():
        return None
    owner = np.repeat(np.arange(len(rows), dtype=np.int32), lengths)
    if len(rows) == len(starts) - 1 and np.array_equal(rows, np.arange(len(rows))):
        terms, values = counted.ids, counted.counts  # every text, in order: no copy to cut
    else:
        entries = positions(starts[rows], lengths)
        terms, values = counted.ids[entries], counted.counts[entries]
        del entries
    # In how many texts each feature is, and where it is first met (scikit-learn numbers
    # features in that order).
    vocabulary = len(features)
    documents = np.bincount(terms, minlength=vocabulary)
    kept = documents >= 2  # min_df=2
    if not kept.any():
        return None
    first = np.full(vocabulary, len(terms), dtype=np.int64)
    np.minimum.at(first, terms, np.arange(len(terms), dtype=np.int64))
    found = np.flatnonzero(documents)
    met = np.empty(vocabulary, dtype=np.int64)
    met[found[np.argsort(first[found], kind="stable")]] = np.arange(len(found))
    keep = kept[terms]
    terms, values, owner = terms[keep], values[keep], owner[keep]
    del keep
    # Within a text, entries in the order the features were met (a text holds one once);
    # columns numbered alphabetically among the kept features.
    key = owner.astype(np.int64)
    key *= len(found)
    key += met[terms]
    order = np.argsort(key, kind="stable")
    del key
    kept_terms = np.flatnonzero(kept)
    alphabetical = features.ranks()
    column = np.empty(vocabulary, dtype=np.int32)
    column[kept_terms[np.argsort(alphabetical[kept_terms], kind="stable")]] = np.arange(
        len(kept_terms), dtype=np.int32
    )
    indptr = np.zeros(len(rows) + 1, dtype=np.int32)
    np.cumsum(np.bincount(owner, minlength=len(rows)), out=indptr[1:])
    del owner
    columns = column[terms[order]]
    del terms
    counts = sparse.csr_array(
        (values[order], columns, indptr), shape=(len(rows), len(kept_terms)), dtype=np.float32
    )
    del order, values, columns
    return tfidf_weighted(counts)
