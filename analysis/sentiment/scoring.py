"""Scoring many texts: each distinct text once, cached ones never, the rest in batches."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from analysis.sentiment.engine import Label, SentimentEngine, label_for
from analysis.texthash import text_hash


@dataclass(frozen=True)
class Scored:
    """Per input text its hash, score and label; ``new`` is what the cache lacked."""

    hashes: list[str]
    scores: list[float]
    labels: list[Label]
    new: dict[str, float] = field(default_factory=dict)


def score_texts(
    engine: SentimentEngine,
    texts: Sequence[str],
    cached: Mapping[str, float],
    negative_below: float = 0.4,
    positive_above: float = 0.6,
    batch_size: int = 512,
) -> Scored:
    """Scores for ``texts``; ``cached`` maps text hash → score for ``engine.name``.

    The caller stores ``Scored.new`` under (engine.name, hash).
    """
    hashes = [text_hash(t) for t in texts]
    missing: dict[str, str] = {}
    for h, t in zip(hashes, texts, strict=True):
        if h not in cached and h not in missing:
            missing[h] = t
    new: dict[str, float] = {}
    pending = list(missing.items())
    for start in range(0, len(pending), batch_size):
        chunk = pending[start : start + batch_size]
        for (h, _), score in zip(chunk, engine.score_batch([t for _, t in chunk]), strict=True):
            new[h] = min(1.0, max(0.0, float(score)))
    scores = [cached[h] if h in cached else new[h] for h in hashes]
    labels = [label_for(s, negative_below, positive_above) for s in scores]
    return Scored(hashes, scores, labels, new)
