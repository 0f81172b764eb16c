"""`govmon digest` the way it ran before issue 15, the in-run baseline of benchmarks/scale.py:

- every scope segments its texts again, with Python jieba, through the featurizer's own bounded
  in-memory store (no tokens kept for the run);
- every scope counts its texts' topic features itself, as strings, with scikit-learn's
  vectorizer (words and bigram strings, as before analysis/topics/tfidf.py);
- every chart is drawn, on a figure of its own, each text laid out by Agg at each drawing, its
  title placed by matplotlib's measuring.

Everything else runs as now, so the ratio is, if anything, in the old code's favour (the loop
speed-ups in analysis/topics, single pass and topic building, are shared).

    python benchmarks/digest_baseline.py digest --week 2026-W48   (GOVMON_CONFIG as for govmon)
"""

from __future__ import annotations

import sys
from typing import Any

import jieba


def _jieba_cut(self: Any, cleaned: str) -> list[str]:
    """Segmenter._cut with Python jieba and the segmenter's user words, as before rjieba."""
    tokenizer = self.__dict__.get("_baseline_jieba")
    if tokenizer is None:
        jieba.initialize()
        tokenizer = jieba.Tokenizer()
        tokenizer.FREQ = dict(jieba.dt.FREQ)
        tokenizer.total = jieba.dt.total
        tokenizer.initialized = True
        for word, freq, tag in self.userdict:
            tokenizer.add_word(word, freq, tag)
        self.__dict__["_baseline_jieba"] = tokenizer
    return list(tokenizer.lcut(cleaned))


def _sklearn_vectorize(tokens: Any) -> Any:
    """cluster.vectorize as before: scikit-learn's TfidfVectorizer over feature strings."""
    import numpy as np
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer

    from analysis.topics.bigrams import bigram_name, codes_of

    def features(text: Any) -> tuple[str, ...]:
        return text.words + tuple(bigram_name(c) for c in codes_of(text.bigrams).tolist())

    texts = list(tokens)
    vectorizer = TfidfVectorizer(
        analyzer=features, sublinear_tf=True, min_df=2, dtype=np.float32, norm="l2"
    )
    try:
        return sparse.csr_matrix(vectorizer.fit_transform(texts))
    except ValueError:  # no feature in two texts
        return sparse.csr_matrix((len(texts), 1), dtype=np.float32)


def patch() -> None:
    from matplotlib.backends.backend_agg import RendererAgg

    import alerts.charts as charts
    import analysis.topics.cluster as cluster
    import monitor.pipeline.digest as digest
    from analysis.segment import Segmenter

    digest.RunFeaturizer = lambda base: base  # type: ignore[assignment,misc,return-value]
    digest.RunVectors = lambda: None  # type: ignore[assignment,misc,return-value]
    cluster.vectorize = _sklearn_vectorize
    charts._chart_png = charts._chart_png.__wrapped__  # type: ignore[attr-defined]
    charts._title = lambda ax, text: ax.set_title(text)  # type: ignore[assignment]
    charts.POOLED = False
    charts._Renderer = RendererAgg  # type: ignore[misc]
    # Every word is cut in Segmenter._cut, with rjieba since issue 15; the baseline cuts with
    # Python jieba, as before.
    Segmenter._cut = _jieba_cut  # type: ignore[method-assign]


def main() -> None:
    from monitor.cli.main import main as govmon

    patch()
    sys.argv[0] = "govmon"
    govmon()


if __name__ == "__main__":
    main()
