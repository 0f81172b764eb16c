"""snownlp's bundled sentiment model: the baseline, and the engine before any training."""

from __future__ import annotations

from collections.abc import Sequence

from analysis.sentiment.emoticons import EmoticonMap
from analysis.sentiment.engine import edge_score
from analysis.texthash import normalize_text


class SnowNLPEngine:
    """Plain snownlp on each text; empty and emoticon-only texts follow engine.edge_score.

    Without an emoticon map, emoticon-only texts score 0.5 (snownlp itself divides by zero
    on an empty text).
    """

    def __init__(
        self,
        emoticons: EmoticonMap | None = None,
        emoticon_weight: float = 2.0,
        max_text_chars: int = 2000,
    ) -> None:
        self._emoticons = emoticons
        self._weight = emoticon_weight
        self._max_chars = max_text_chars

    @property
    def name(self) -> str:
        return "snownlp-default"

    def score_batch(self, texts: Sequence[str]) -> list[float]:
        from snownlp import SnowNLP  # slow to import: only when scoring

        scores: list[float] = []
        for raw in texts:
            text = normalize_text(raw)[: self._max_chars]
            edge = edge_score(text, self._emoticons, self._weight)
            scores.append(edge if edge is not None else float(SnowNLP(text).sentiments))
        return scores
