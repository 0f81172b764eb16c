"""The trainable engine: logistic regression over character n-grams and jieba words.

Features are TF-IDF of characters and character pairs and of jieba words and word pairs
(character trigrams added nothing on Weibo comments once words are there, and cost speed),
hashed into fixed-size spaces: scoring needs no vocabulary lookups in Python, and a model
is a few arrays. Features seen in fewer than two training texts get no weight. Classes
are weighted to balance, so a deployment whose comments are mostly of one polarity does
not get a model that simply predicts that polarity.

A model is stored as plain arrays (idf, weights) in an .npz read with
``allow_pickle=False`` plus a meta.json, so loading a model file never executes code.
Emoticons with a polarity are removed from the text the model reads (it was trained on
texts without the emoticons that labelled them) and added back as a separate term:
logit = model logit + emoticon_weight × sum of emoticon polarities.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, compress, filterfalse
from typing import Any

import numpy as np
import numpy.typing as npt
import rjieba
from scipy.sparse import csr_matrix, hstack

from analysis.sentiment.emoticons import EmoticonMap
from analysis.sentiment.engine import edge_score, sigmoid
from analysis.sentiment.hashing import count_matrix, hashed_columns, murmur3_spans, utf8_offsets
from analysis.texthash import normalize_text

CHAR_NGRAMS = (1, 2)
WORD_NGRAMS = (1, 2)
_MENTION = re.compile(r"@[^\s@:：,，。!！?？/]{1,30}")
_URL = re.compile(r"https?://\S+")
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


def model_text(text: str, emoticons: EmoticonMap, max_chars: int = 2000) -> str:
    """What the model reads: normalised, capped, no polar emoticons, mentions and links."""
    return _model_text_of(normalize_text(text)[:max_chars], emoticons)


def _model_text_of(capped: str, emoticons: EmoticonMap) -> str:
    """``model_text`` of a text already normalised and capped."""
    text = emoticons.strip_polar(capped)
    # Each pattern needs its first characters: a substring test spares most texts the scan.
    if "@" in text:
        text = _MENTION.sub("@", text)
    if "http" in text:
        text = _URL.sub(" ", text)
    return text.strip()


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


def _hashers(n_features: int) -> tuple[HashedFeatures, HashedFeatures]:
    """The features of CHAR_NGRAMS and WORD_NGRAMS, hashed as scikit-learn does."""
    return HashedFeatures(char_spans, n_features), HashedFeatures(word_spans, n_features)


def _tfidf(counts: csr_matrix, idf: npt.NDArray[np.float32]) -> csr_matrix:
    """Sublinear tf × idf, each row scaled to unit length (as TfidfVectorizer does)."""
    weighted: csr_matrix = counts.tocsr()
    # Each stored count times its column's idf, in place: a product with diags(idf) built a
    # 2^20-diagonal matrix for every batch scored (a third of scoring's CPU).
    weighted.data = (1.0 + np.log(weighted.data)) * idf[weighted.indices]
    weighted.eliminate_zeros()  # features dropped by min_df (idf 0), as the product dropped them
    return unit_rows(weighted)


def unit_rows(matrix: csr_matrix) -> csr_matrix:
    """``sklearn.preprocessing.normalize(matrix, copy=False)`` to the last bit, without its
    per-call validation (and import): float32 squares summed in float64 in row order (as
    bincount adds), each value divided in float64 by its row's norm."""
    data = matrix.data
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    squares = np.bincount(rows, (data * data).astype(np.float64), minlength=matrix.shape[0])
    norms = np.sqrt(squares)
    norms[norms == 0.0] = 1.0  # empty rows stay as they are
    matrix.data = (data / norms[rows]).astype(data.dtype)
    return matrix


def _idf(counts: csr_matrix, min_df: int = 2) -> npt.NDArray[np.float32]:
    """Smoothed idf; 0 for features seen in fewer than ``min_df`` texts (they are dropped)."""
    df = np.bincount(counts.tocsr().indices, minlength=counts.shape[1])
    idf = np.log((1.0 + counts.shape[0]) / (1.0 + df)) + 1.0
    idf[df < min_df] = 0.0
    return idf.astype(np.float32)


@dataclass(frozen=True)
class LinearModel:
    """Idf and weights of a trained model over hashed features, and what is known about it."""

    char_idf: npt.NDArray[np.float32]
    word_idf: npt.NDArray[np.float32]
    coef: npt.NDArray[np.float32]
    intercept: float
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def n_features(self) -> int:
        return len(self.char_idf)

    def fingerprint(self) -> str:
        """12 hex digits of a hash over the arrays (the engine's name)."""
        import hashlib

        digest = hashlib.sha256(repr((CHAR_NGRAMS, WORD_NGRAMS)).encode())
        for array in (self.char_idf, self.word_idf, self.coef):
            digest.update(np.ascontiguousarray(array, dtype=np.float32).tobytes())
        digest.update(repr(float(self.intercept)).encode())
        return digest.hexdigest()[:12]


def fit_linear_model(
    texts: Sequence[str],
    labels: Sequence[int],
    regularization: float = 3.0,
    n_features: int = 2**20,
) -> LinearModel:
    """Fit on model texts (see ``model_text``) with labels 1 positive / 0 negative."""
    from sklearn.linear_model import LogisticRegression

    chars, words = _hashers(n_features)
    char_counts = chars.transform(texts)
    word_counts = words.transform(texts)
    char_idf, word_idf = _idf(char_counts), _idf(word_counts)
    matrix = hstack([_tfidf(char_counts, char_idf), _tfidf(word_counts, word_idf)]).tocsr()
    classifier = LogisticRegression(C=regularization, max_iter=3000, class_weight="balanced")
    classifier.fit(matrix, np.asarray(labels, dtype=np.int64))
    return LinearModel(
        char_idf=char_idf,
        word_idf=word_idf,
        coef=classifier.coef_[0].astype(np.float32),
        intercept=float(classifier.intercept_[0]),
    )


class LinearEngine:
    """Scores texts with a LinearModel, whole batches at a time."""

    def __init__(
        self,
        model: LinearModel,
        emoticons: EmoticonMap,
        emoticon_weight: float = 2.0,
        max_text_chars: int = 2000,
    ) -> None:
        self.model = model
        self._emoticons = emoticons
        self._weight = emoticon_weight
        self._max_chars = max_text_chars
        self._name = f"trained-{model.fingerprint()}"
        self._chars, self._words = _hashers(model.n_features)

    @property
    def name(self) -> str:
        return self._name

    def logits(self, model_texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """The model's own log-odds for texts already passed through ``model_text``."""
        if not model_texts:
            return np.zeros(0)
        blocks = [
            _tfidf(self._chars.transform(model_texts), self.model.char_idf),
            _tfidf(self._words.transform(model_texts), self.model.word_idf),
        ]
        matrix: csr_matrix = hstack(blocks).tocsr()
        return np.asarray(matrix @ self.model.coef, dtype=np.float64) + self.model.intercept

    def score_batch(self, texts: Sequence[str]) -> list[float]:
        scores: list[float | None] = []
        todo: list[int] = []
        prepared: list[str] = []
        for i, raw in enumerate(texts):
            text = normalize_text(raw)[: self._max_chars]
            edge = edge_score(text, self._emoticons, self._weight)
            scores.append(edge)
            if edge is None:
                todo.append(i)
                prepared.append(_model_text_of(text, self._emoticons))  # normalised above
        for i, logit in zip(todo, self.logits(prepared), strict=True):
            bonus = self._weight * self._emoticons.score(texts[i])
            scores[i] = sigmoid(float(logit) + bonus)
        return [0.5 if s is None else s for s in scores]
