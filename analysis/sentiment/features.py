"""The trained engine's features, for a whole batch of texts at a time: characters and
character pairs, jieba words and word pairs, as spans of one UTF-8 buffer hashed together
(analysis.sentiment.hashing) — what scikit-learn's HashingVectorizer gives with the analyzers
the models were trained with, without a Python step per feature."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, filterfalse

import numpy as np
import numpy.typing as npt
import rjieba
from scipy.sparse import csr_matrix, vstack

from analysis.sentiment.hashing import (
    Ints,
    code_points,
    count_matrix,
    hashed_columns,
    murmur3_spans,
    utf8_offsets,
)

_WHITESPACE_RUN = re.compile(r"\s\s+")  # scikit-learn's, for character n-grams
_SEPARATOR = "\0"  # between the texts of a batch: not whitespace, not cased
CHUNK = 4096  # texts hashed together at most
_TOKEN_END = "\x01"  # between jieba's tokens of a batch, read in numpy
# Words joined by spaces, their code points, where each starts, its length, words per text.
_Words = tuple[str, npt.NDArray[np.uint32], Ints, Ints, list[int]]


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
    joined: str,
    points: npt.NDArray[np.uint32],
    starts: npt.NDArray[np.int64],
    sizes: npt.NDArray[np.int64],
    per_text: list[int],
) -> Spans:
    """Spans of units (characters or words) of ``joined``, at character ``starts`` and
    ``sizes`` characters long, ``per_text`` of them per text, and of each unit with the next
    one of the same text (what lies between included: nothing, or the joining space);
    ``points``: the code points of ``joined``."""
    offsets = utf8_offsets(points)
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
    units = np.arange(len(joined), dtype=np.int64)
    return _units_and_pairs(
        joined, code_points(joined), units, np.ones(len(joined), np.int64), per_text
    )


def word_spans(texts: Sequence[str]) -> Spans:
    """jieba words and word pairs joined by a space: what scikit-learn's word analyzer with
    ``ngram_range=(1, 2)`` and ``jieba_words`` as its tokenizer gives."""
    lowered = _lowered(texts)
    tokens: list[str] = _words_cutter().cut(_SEPARATOR.join(lowered), False)
    found = _batch_words(tokens, lowered)
    if found is None:  # a text holds NUL or \x01: cut one by one
        each = [jieba_words(text) for text in lowered]
        words = list(chain.from_iterable(each))
        joined = " ".join(words)
        sizes = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
        starts = np.cumsum(sizes + 1) - (sizes + 1)  # words joined by one space
        return _units_and_pairs(joined, code_points(joined), starts, sizes, [len(w) for w in each])
    return _units_and_pairs(*found)


def _batch_words(tokens: list[str], texts: list[str]) -> _Words | None:
    """From jieba's tokens of ``texts`` joined by NUL: their ``jieba_words`` joined by spaces
    (as text and code points), where each word starts and its length, and how many words each
    text has; None when the tokens cannot be told apart this way.

    jieba segments runs of Han characters, letters and digits apart from the rest, which it
    gives character by character: NUL between the texts is a token of its own, and each text
    is cut as alone, with one call for the batch. The tokens are then read in numpy from their
    code points joined by \x01, not one by one in Python."""
    joined = _TOKEN_END.join(tokens)
    if joined.count(_TOKEN_END) != max(0, len(tokens) - 1):
        return None
    points = code_points(joined)
    ends = np.append(np.flatnonzero(points == ord(_TOKEN_END)), len(points))
    starts = np.zeros(len(tokens), dtype=np.int64)
    starts[1:] = ends[:-1] + 1
    sizes = ends - starts
    # The NULs between the texts: where they are in the cut text, and the tokens there.
    nuls = np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1)[:-1] - 1
    at = np.searchsorted(starts - np.arange(len(tokens)), nuls)
    if len(at) and (at[-1] >= len(tokens) or not np.array_equal(starts[at] - at, nuls)):
        return None
    if not (sizes[at] == 1).all():
        return None
    spaces = np.zeros(len(points) + 1, dtype=np.int64)
    np.cumsum(np.isin(points, _whitespace()), out=spaces[1:])
    kept = (spaces[ends] - spaces[starts] != sizes) | (sizes == 0)  # jieba_words' filter
    kept[at] = False
    rows = np.zeros(len(tokens), dtype=np.int64)
    rows[at] = 1
    per_text = np.bincount(np.cumsum(rows)[kept], minlength=len(texts)).tolist()
    # The kept tokens, each followed by its \x01 but the last, which become the spaces.
    starts, ends, sizes = starts[kept], ends[kept], sizes[kept]
    inside = np.bincount(starts, minlength=len(points) + 1)
    inside -= np.bincount(ends, minlength=len(points) + 1)
    keep = np.cumsum(inside[:-1]) > 0
    keep[ends[:-1]] = True
    words = points[keep]
    words[words == ord(_TOKEN_END)] = ord(" ")
    word_starts = np.cumsum(sizes + 1) - (sizes + 1)
    return words.tobytes().decode("utf-32-le"), words, word_starts, sizes, per_text


@lru_cache(maxsize=1)
def _whitespace() -> npt.NDArray[np.uint32]:
    """The code points ``str.isspace`` holds for (29 of them; 50 ms to find, once)."""
    return np.array([c for c in range(0x110000) if chr(c).isspace()], dtype=np.uint32)


class HashedFeatures:
    """What ``HashingVectorizer(analyzer=features, alternate_sign=False, norm=None)`` gives,
    hashed a batch at a time (see analysis.sentiment.hashing)."""

    def __init__(self, spans: Callable[[Sequence[str]], Spans], n_features: int) -> None:
        self._spans = spans
        self._n_features = n_features

    def transform(self, texts: Sequence[str]) -> csr_matrix:
        if len(texts) <= CHUNK:
            return self._transform(texts)
        # Training passes every text at once: a chunk at a time, the spans' arrays (about
        # 60 bytes a feature) stay a few MiB instead of outgrowing the matrix itself.
        parts = [self._transform(texts[i : i + CHUNK]) for i in range(0, len(texts), CHUNK)]
        return csr_matrix(vstack(parts, format="csr"))

    def _transform(self, texts: Sequence[str]) -> csr_matrix:
        spans = self._spans(texts)
        hashes = murmur3_spans(spans.data, spans.starts, spans.lengths)
        columns = hashed_columns(hashes, self._n_features)
        return count_matrix(spans.rows, columns, len(texts), self._n_features)


def hashers(n_features: int) -> tuple[HashedFeatures, HashedFeatures]:
    """The features of CHAR_NGRAMS and WORD_NGRAMS, hashed as scikit-learn does."""
    return HashedFeatures(char_spans, n_features), HashedFeatures(word_spans, n_features)
