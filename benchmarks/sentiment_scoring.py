"""CPU of the trained sentiment engine's scoring against its previous way, in the same run.

    python benchmarks/sentiment_scoring.py [--db week.db] [--model trained-xxxx] [--limit N]

Scores the comments of the province week (benchmarks/scale.py's cached SQLite file, read only)
in batches of 512 with LinearEngine and with the way it scored before (scikit-learn's
FeatureHasher fed (feature, 1) pairs, sklearn.preprocessing.normalize, every regex run on every
text), the two taking turns every 25,600 texts, for --rounds rounds, keeping each one's least
total CPU (user + system; the machine may be shared). Prints both, their ratio, and the largest score difference and the
labels that differ (both must be 0). Without --model a model is trained first on the week's
emoticon-labelled comments, as `govmon analyze` would on its first run.
"""

from __future__ import annotations

import argparse
import re
import resource
import sqlite3
import sys
import time
import unicodedata
from collections.abc import Sequence
from itertools import pairwise, repeat
from operator import add
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, hstack

from analysis.sentiment.emoticons import EMOTICON, EmoticonMap, load_emoticon_map
from analysis.sentiment.engine import NEUTRAL_SCORE, label_for, sigmoid
from analysis.sentiment.linear import LinearEngine, LinearModel, fit_linear_model
from analysis.sentiment.settings import SentimentSettings
from analysis.sentiment.store import load_model
from analysis.sentiment.training import build_examples, training_texts
from analysis.texthash import normalize_text

BATCH = 512
SLICE = 50 * BATCH  # texts scored by one engine before the other takes its turn
WEEK = "~/.cache/govmon-scale/week-300-6000-200000-real.db"
_MENTION = re.compile(r"@[^\s@:：,，。!！?？/]{1,30}")
_URL = re.compile(r"https?://\S+")
_WHITESPACE_RUN = re.compile(r"\s\s+")


class Before:
    """LinearEngine.score_batch as it was before the batch hashing (the baseline)."""

    def __init__(self, model: LinearModel, emoticons: EmoticonMap, weight: float = 2.0) -> None:
        from sklearn.feature_extraction import FeatureHasher
        from sklearn.preprocessing import normalize

        self.model, self._emoticons, self._weight = model, emoticons, weight
        self._hasher = FeatureHasher(
            model.n_features, input_type="pair", alternate_sign=False, dtype=np.float32
        )
        self._normalize = normalize
        from analysis.sentiment.features import _words_cutter

        self._cut = _words_cutter()

    def _chars(self, text: str) -> list[str]:
        text = _WHITESPACE_RUN.sub(" ", text.lower())
        return [*text, *map(add, text, text[1:])]

    def _words(self, text: str) -> list[str]:
        words = [w for w in self._cut.cut(text.lower(), False) if not w.isspace()]
        return [*words, *map(" ".join, pairwise(words))]

    def _tfidf(self, features: Sequence[list[str]], idf: np.ndarray) -> csr_matrix:
        counts = csr_matrix(self._hasher.transform(zip(f, repeat(1)) for f in features))
        counts.data = (1.0 + np.log(counts.data)) * idf[counts.indices]
        counts.eliminate_zeros()
        return self._normalize(counts, copy=False)

    def _edge(self, text: str) -> float | None:
        rest = _URL.sub("", _MENTION.sub("", EMOTICON.sub("", text)))
        if any(unicodedata.category(ch)[0] in "LN" for ch in rest):
            return None
        total = self._score(text)
        return sigmoid(self._weight * total) if total else NEUTRAL_SCORE

    def _score(self, text: str) -> float:
        found = (self._emoticons.polarity.get(n, 0.0) for n in EMOTICON.findall(text))
        return sum(v for v in found if v != 0.0)

    def _strip_polar(self, text: str) -> str:
        polarity = self._emoticons.polarity
        text = EMOTICON.sub(
            lambda m: "" if polarity.get(m.group(1), 0.0) != 0.0 else m.group(0), text
        )
        return _URL.sub(" ", _MENTION.sub("@", text)).strip()

    def score_batch(self, texts: Sequence[str]) -> list[float]:
        scores: list[float | None] = []
        todo: list[int] = []
        prepared: list[str] = []
        for i, raw in enumerate(texts):
            text = normalize_text(raw)[:2000]
            edge = self._edge(text)
            scores.append(edge)
            if edge is None:
                todo.append(i)
                prepared.append(self._strip_polar(text))
        if prepared:
            blocks = [
                self._tfidf([self._chars(t) for t in prepared], self.model.char_idf),
                self._tfidf([self._words(t) for t in prepared], self.model.word_idf),
            ]
            logits = np.asarray(hstack(blocks).tocsr() @ self.model.coef, dtype=np.float64)
            for i, logit in zip(todo, logits + self.model.intercept, strict=True):
                bonus = self._weight * self._score(texts[i])
                scores[i] = sigmoid(float(logit) + bonus)
        return [0.5 if s is None else s for s in scores]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _scores(engine: LinearEngine | Before, texts: list[str]) -> tuple[list[float], float]:
    began = _cpu()
    out = [s for i in range(0, len(texts), BATCH) for s in engine.score_batch(texts[i : i + BATCH])]
    return out, _cpu() - began


def _interleaved(
    old: Before, new: LinearEngine, texts: list[str]
) -> tuple[list[float], float, list[float], float]:
    """Both engines over the texts slice by slice, taking turns to go first: a shared
    machine's load then weighs on both alike."""
    old_scores: list[float] = []
    new_scores: list[float] = []
    old_cpu = new_cpu = 0.0
    for turn, start in enumerate(range(0, len(texts), SLICE)):
        part = texts[start : start + SLICE]
        for engine in (old, new) if turn % 2 == 0 else (new, old):
            scores, cpu = _scores(engine, part)
            if engine is old:
                old_scores += scores
                old_cpu += cpu
            else:
                new_scores += scores
                new_cpu += cpu
    return old_scores, old_cpu, new_scores, new_cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=WEEK, help="the week's SQLite file (read only)")
    parser.add_argument("--model", type=Path, help="a trained-… model folder")
    parser.add_argument("--limit", type=int, default=0, help="score the first N comments")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    db = Path(args.db).expanduser()
    if not db.is_file():
        print(f"找不到数据库：{db}（先运行 benchmarks/scale.py）", file=sys.stderr)
        return 2
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        texts = [t or "" for (t,) in conn.execute("SELECT text FROM comments ORDER BY id")]
    texts = texts[: args.limit] if args.limit else texts
    emoticons = load_emoticon_map()
    if args.model is not None:
        model = load_model(args.model)
    else:
        began = time.perf_counter()
        labelled, labels = training_texts(build_examples(texts, [], emoticons))
        model = fit_linear_model(labelled, labels)
        print(f"trained on {len(labelled)} texts in {time.perf_counter() - began:.0f} s")
    new, old = LinearEngine(model, emoticons), Before(model, emoticons)
    new.score_batch(["热身"]), old.score_batch(["热身"])  # imports and jieba's dictionary
    best_new = best_old = float("inf")
    for _ in range(args.rounds):
        old_scores, old_cpu, new_scores, new_cpu = _interleaved(old, new, texts)
        best_old, best_new = min(best_old, old_cpu), min(best_new, new_cpu)
    diff = max((abs(a - b) for a, b in zip(old_scores, new_scores, strict=True)), default=0.0)
    settings = SentimentSettings()
    labels_differ = sum(
        label_for(a, settings.negative_below, settings.positive_above)
        != label_for(b, settings.negative_below, settings.positive_above)
        for a, b in zip(old_scores, new_scores, strict=True)
    )
    print(f"{len(texts)} comments, model {new.name}, batches of {BATCH}, best of {args.rounds}")
    print(f"  before (FeatureHasher): {best_old:6.2f} s CPU")
    print(f"  now (batch hashing):    {best_new:6.2f} s CPU   ratio {best_new / best_old:.2f}")
    print(f"  largest score difference {diff:.3g}, labels that differ {labels_differ}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak RSS of this process {peak:.0f} MiB")
    return 0 if diff <= 1e-6 and not labels_differ else 1


if __name__ == "__main__":
    sys.exit(main())
