"""The trained engine's features, for a whole batch of texts at a time: characters and
character pairs, jieba words and word pairs, as spans of one UTF-8 buffer hashed together
(analysis.sentiment.hashing) — what scikit-learn's HashingVectorizer gives with the analyzers
the models were trained with, without a Python step per feature."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, compress, filterfalse

import numpy as np
import numpy.typing as npt
import rjieba
from scipy.sparse import csr_matrix

from analysis.sentiment.hashing import count_matrix, hashed_columns, murmur3_spans, utf8_offsets

_WHITESPACE_RUN = re.compile(r"\s\s+")  # scikit-learn's, for character n-grams
_SEPARATOR = "\0"  # between the texts of a batch: not whitespace, not cased


@lru_cache(maxsize=1)
def _words_cutter() -> rjieba.Jieba:
    """jieba's own dictionary, without the transport words (the models were trained so)."""
    return rjieba.Jieba()


def jieba_words(text: str) -> list[str]:
    """jieba's dictionary segmentation without HMM (about twice as fast, same accuracy here),
    run by rjieba: the same words as Python jieba's, about nine times faster."""
    return list(filterfalse(str.isspace, _words_cutter().cut(text, False)))


@dataclass(frozen=True)
class Spans:
    """The features of a batch of texts as spans of one UTF-8 buffer: feature i is
    ``data[starts[i]:starts[i] + lengths[i]]``, a feature of text ``rows[i]``."""

    data: bytes
    starts: npt.NDArray[np.int64]
    lengths: npt.NDArray[np.int64]
    rows: npt.NDArray[np.int64]


def _units_and_pairs(
    joined: str, starts: npt.NDArray[np.int64], sizes: npt.NDArray[np.int64], per_text: list[int]
) -> Spans:
    """Spans of units (characters or words) of ``joined``, at character ``starts`` and
    ``sizes`` characters long, ``per_text`` of them per text, and of each unit with the next
    one of the same text (what lies between included: nothing, or the joining space)."""
    offsets = utf8_offsets(joined)
    begin, end = offsets[starts], offsets[starts + sizes]
    rows = np.repeat(np.arange(len(per_text), dtype=np.int64), per_text)
    paired = np.flatnonzero(rows[:-1] == rows[1:])
    return Spans(
        joined.encode("utf-8"),
        np.concatenate([begin, begin[paired]]),
        np.concatenate([end - begin, end[paired + 1] - begin[paired]]),
        np.concatenate([rows, rows[paired]]),
    )


def _lowered(texts: Sequence[str]) -> list[str]:
    """``[text.lower() for text in texts]``, the batch lowered in one call: "\\0" between the
    texts is neither cased nor case-ignorable, so where Greek final sigma applies is decided
    within each text as when it is lowered alone."""
    if not texts:
        return []
    joined = _SEPARATOR.join(texts).lower()
    if joined.count(_SEPARATOR) != len(texts) - 1:  # a text holds the separator
        return [text.lower() for text in texts]
    return joined.split(_SEPARATOR)


def char_spans(texts: Sequence[str]) -> Spans:
    """Characters and character pairs: what scikit-learn's ``analyzer="char"`` with
    ``ngram_range=(1, 2)`` gives (lowercased, each run of whitespace one space)."""
    joined = _SEPARATOR.join(_lowered(texts))
    prepared = _WHITESPACE_RUN.sub(" ", joined).split(_SEPARATOR) if texts else []
    if len(prepared) != len(texts):  # a text holds the separator: collapse runs one by one
        prepared = [_WHITESPACE_RUN.sub(" ", text) for text in _lowered(texts)]
    per_text = [len(text) for text in prepared]
    joined = "".join(prepared)
    return _units_and_pairs(
        joined, np.arange(len(joined), dtype=np.int64), np.ones(len(joined), np.int64), per_text
    )


def word_spans(texts: Sequence[str]) -> Spans:
    """jieba words and word pairs joined by a space: what scikit-learn's word analyzer with
    ``ngram_range=(1, 2)`` and ``jieba_words`` as its tokenizer gives."""
    words, sizes, per_text = _batch_words(_lowered(texts))
    starts = np.zeros(len(words), dtype=np.int64)
    np.cumsum(sizes[:-1] + 1, out=starts[1:])  # words joined by one space
    return _units_and_pairs(" ".join(words), starts, sizes, per_text)


def _batch_words(texts: list[str]) -> tuple[list[str], npt.NDArray[np.int64], list[int]]:
    """The ``jieba_words`` of every text, one after the other, their lengths, and how many
    each text has.

    jieba segments runs of Han characters, letters and digits apart from the rest, which it
    gives character by character: NUL between the texts is a token of its own, and each text
    is cut as alone, with one call for the batch (a third less CPU than a call per text)."""
    tokens: list[str] = _words_cutter().cut(_SEPARATOR.join(texts), False)
    sizes = np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens))
    starts = np.cumsum(sizes) - sizes
    # Where the NULs between the texts are, and the tokens that start there.
    nuls = np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1)[:-1] - 1
    at = np.searchsorted(starts, nuls)
    if not (np.array_equal(starts[at], nuls) and (sizes[at] == 1).all()):
        found = [jieba_words(text) for text in texts]  # a text holds NUL: cut one by one
        words = list(chain.from_iterable(found))
        lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
        return words, lengths, [len(w) for w in found]
    kept = ~np.fromiter(map(str.isspace, tokens), dtype=bool, count=len(tokens))
    kept[at] = False
    rows = np.zeros(len(tokens), dtype=np.int64)
    rows[at] = 1
    rows = np.cumsum(rows)  # the text of each token: how many NULs before it
    per_text = np.bincount(rows[kept], minlength=len(texts)).tolist()
    return list(compress(tokens, kept.tolist())), sizes[kept], per_text


class HashedFeatures:
    """What ``HashingVectorizer(analyzer=features, alternate_sign=False, norm=None)`` gives,
    hashed a batch at a time (see analysis.sentiment.hashing)."""

    def __init__(self, spans: Callable[[Sequence[str]], Spans], n_features: int) -> None:
        self._spans = spans
        self._n_features = n_features

    def transform(self, texts: Sequence[str]) -> csr_matrix:
        spans = self._spans(texts)
        hashes = murmur3_spans(spans.data, spans.starts, spans.lengths)
        columns = hashed_columns(hashes, self._n_features)
        return count_matrix(spans.rows, columns, len(texts), self._n_features)


def hashers(n_features: int) -> tuple[HashedFeatures, HashedFeatures]:
    """The features of CHAR_NGRAMS and WORD_NGRAMS, hashed as scikit-learn does."""
    return HashedFeatures(char_spans, n_features), HashedFeatures(word_spans, n_features)
