"""Accuracy, macro-F1, per-class recall and speed of an engine on labelled texts.

Gold labels are binary (1 positive, 0 negative); an engine's decision is positive when its
score is at least 0.5. Speed is texts per second over the whole scoring, measured with the
injected clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from analysis.sentiment.engine import SentimentEngine


@dataclass(frozen=True)
class EvalReport:
    engine: str
    n: int
    accuracy: float
    macro_f1: float
    recall_negative: float
    recall_positive: float
    seconds: float

    @property
    def texts_per_second(self) -> float:
        return self.n / self.seconds if self.seconds > 0 else float("inf")


def binary_metrics(
    gold: Sequence[int], scores: Sequence[float]
) -> tuple[float, float, float, float]:
    """(accuracy, macro-F1, recall of negatives, recall of positives)."""
    tp = fp = tn = fn = 0
    for g, s in zip(gold, scores, strict=True):
        predicted = 1 if s >= 0.5 else 0
        if g == 1:
            tp, fn = (tp + 1, fn) if predicted else (tp, fn + 1)
        else:
            fp, tn = (fp + 1, tn) if predicted else (fp, tn + 1)

    def f1(hit: int, false_pos: int, miss: int) -> float:
        return 2 * hit / (2 * hit + false_pos + miss) if hit else 0.0

    n = tp + fp + tn + fn
    accuracy = (tp + tn) / n if n else 0.0
    macro = (f1(tp, fp, fn) + f1(tn, fn, fp)) / 2
    recall_neg = tn / (tn + fp) if tn + fp else 0.0
    recall_pos = tp / (tp + fn) if tp + fn else 0.0
    return accuracy, macro, recall_neg, recall_pos


def evaluate(
    engine: SentimentEngine,
    texts: Sequence[str],
    labels: Sequence[int],
    batch_size: int = 512,
    clock: Callable[[], float] = time.perf_counter,
) -> EvalReport:
    """Score every text in batches (no cache) and compare with the gold labels."""
    if len(texts) != len(labels):
        raise ValueError(f"文本 {len(texts)} 条而标签 {len(labels)} 条，数量不一致")
    start = clock()
    scores: list[float] = []
    for i in range(0, len(texts), batch_size):
        scores.extend(engine.score_batch(texts[i : i + batch_size]))
    seconds = clock() - start
    accuracy, macro, rec_neg, rec_pos = binary_metrics(labels, scores)
    return EvalReport(engine.name, len(texts), accuracy, macro, rec_neg, rec_pos, seconds)


def format_reports(reports: Sequence[EvalReport], baseline: EvalReport | None = None) -> str:
    """A plain-text table; speed also as a ratio to ``baseline`` ("-" when not measured)."""
    header = (
        "engine",
        "texts",
        "accuracy",
        "macro-F1",
        "recall-neg",
        "recall-pos",
        "texts/s",
        "speed",
    )
    rows = [header]
    for r in reports:
        measured = r.seconds > 0 and r.seconds == r.seconds  # NaN: not timed
        speed = f"{r.texts_per_second:.0f}" if measured else "-"
        ratio = "-"
        if measured and baseline is not None and baseline.seconds > 0:
            ratio = f"{r.texts_per_second / baseline.texts_per_second:.1f}x"
        rows.append(
            (
                r.engine,
                str(r.n),
                f"{r.accuracy:.3f}",
                f"{r.macro_f1:.3f}",
                f"{r.recall_negative:.3f}",
                f"{r.recall_positive:.3f}",
                speed,
                ratio,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join(
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    )
