"""The trainable engine: logistic regression over character n-grams and jieba words.

Features are TF-IDF of characters and character pairs and of jieba words and word pairs
(character trigrams added nothing on Weibo comments once words are there, and cost speed),
hashed into fixed-size spaces (analysis.sentiment.features): scoring needs no vocabulary
lookups in Python, and a model is a few arrays. Features seen in fewer than two training
texts get no weight. Classes are weighted to balance, so a deployment whose comments are
mostly of one polarity does not get a model that simply predicts that polarity.

A model is stored as plain arrays (idf, weights) in an .npz read with
``allow_pickle=False`` plus a meta.json, so loading a model file never executes code.
Emoticons with a polarity are removed from the text the model reads (it was trained on
texts without the emoticons that labelled them) and added back as a separate term:
logit = model logit + emoticon_weight × sum of emoticon polarities.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix, hstack

from analysis.sentiment.emoticons import EmoticonMap
from analysis.sentiment.engine import edge_score, replace_mentions_and_links, sigmoid
from analysis.sentiment.features import hashers
from analysis.sentiment.features import jieba_words as jieba_words  # where callers import it
from analysis.texthash import normalize_text

CHAR_NGRAMS = (1, 2)
WORD_NGRAMS = (1, 2)


def model_text(text: str, emoticons: EmoticonMap, max_chars: int = 2000) -> str:
    """What the model reads: normalised, capped, no polar emoticons, mentions and links."""
    return _model_text_of(normalize_text(text)[:max_chars], emoticons)


def _model_text_of(capped: str, emoticons: EmoticonMap) -> str:
    """``model_text`` of a text already normalised and capped."""
    return replace_mentions_and_links(emoticons.strip_polar(capped), "@", " ").strip()


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

    chars, words = hashers(n_features)
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
        self._chars, self._words = hashers(model.n_features)

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
