"""From labelled texts to a candidate model, and whether it should replace the current one.

Labels come from two places: weak labels from the Weibo emoticons of collected comments
(the emoticons that gave the label are removed, so the model learns the words) and labels
given by reviewers (they win over a weak label of the same text). A fixed-seed, stratified
part is held out; the candidate is trained on the rest and both it and the current engine
are scored on the held-out part. The candidate replaces the current engine only if its
macro-F1 there is higher by at least ``min_improvement``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from analysis.sentiment.emoticons import EmoticonMap
from analysis.sentiment.engine import SentimentEngine
from analysis.sentiment.linear import LinearEngine, LinearModel, fit_linear_model, model_text
from analysis.sentiment.metrics import EvalReport, evaluate
from analysis.sentiment.settings import SentimentSettings
from analysis.texthash import text_hash

Source = Literal["emoticon", "reviewer", "csv"]
# Where a repost or reply quotes an earlier layer: "//@name:" or "回复@name:".
_LAYER = re.compile(r"//@[^:：]{1,30}[:：]|回复@[^:：]{1,30}[:：]")


class TrainingDataError(ValueError):
    """Too few or one-sided labelled texts; the message says what is missing."""


@dataclass(frozen=True)
class Example:
    """A labelled text (1 positive, 0 negative) ready for the model.

    ``extra`` holds more examples cut from the same comment (its repost layers, each
    labelled by its own emoticons); they are used only when the comment is trained on,
    never held out, so the held-out part shares no text with the training part.
    """

    text: str
    label: int
    source: Source
    extra: tuple[tuple[str, int], ...] = ()


def weak_label(
    text: str, emoticons: EmoticonMap, split_reposts: bool = True, max_chars: int = 2000
) -> Example | None:
    """The emoticon label of a comment, its text without the polar emoticons, or None."""
    label = emoticons.weak_label(text)
    if label is None:
        return None
    clean = model_text(text, emoticons, max_chars)
    if not clean:
        return None  # only emoticons: nothing for the model to learn from
    extra: list[tuple[str, int]] = []
    layers = [layer for layer in _LAYER.split(text) if layer.strip()]
    if split_reposts and len(layers) > 1:
        for layer in layers:
            layer_label = emoticons.weak_label(layer)
            layer_text = model_text(layer, emoticons, max_chars)
            if layer_label is not None and len(layer_text) >= 2:
                extra.append((layer_text, layer_label))
    return Example(clean, label, "emoticon", tuple(extra))


def build_examples(
    comments: Iterable[str],
    reviewed: Iterable[tuple[str, int]],
    emoticons: EmoticonMap,
    split_reposts: bool = True,
    max_chars: int = 2000,
) -> list[Example]:
    """Weak-labelled comments plus reviewer labels; a reviewer label replaces a weak one."""
    by_hash: dict[str, Example] = {}
    for text in comments:
        example = weak_label(text, emoticons, split_reposts, max_chars)
        if example is not None:
            by_hash.setdefault(text_hash(text), example)
    for text, label in reviewed:
        clean = model_text(text, emoticons, max_chars)
        if clean:
            by_hash[text_hash(text)] = Example(clean, int(label), "reviewer")
    return list(by_hash.values())


def examples_from_pairs(
    pairs: Iterable[tuple[str, int]], emoticons: EmoticonMap, max_chars: int = 2000
) -> list[Example]:
    """Examples from a labelled file (text, label 1/0), prepared as the model reads texts."""
    examples: list[Example] = []
    for text, label in pairs:
        clean = model_text(text, emoticons, max_chars)
        if clean:
            examples.append(Example(clean, int(label), "csv"))
    return examples


def training_texts(examples: Iterable[Example]) -> tuple[list[str], list[int]]:
    """Texts and labels a model is fitted on: each example, then its repost layers."""
    texts: list[str] = []
    labels: list[int] = []
    for example in examples:
        texts.append(example.text)
        labels.append(example.label)
        for text, label in example.extra:
            texts.append(text)
            labels.append(label)
    return texts, labels


@dataclass(frozen=True)
class TrainingOutcome:
    candidate: LinearModel
    candidate_report: EvalReport
    current_report: EvalReport
    switch: bool
    message: str
    n_train: int
    n_holdout: int
    sources: dict[str, int] = field(default_factory=dict)


def _split(examples: Sequence[Example], fraction: float, seed: int) -> tuple[list[int], list[int]]:
    from sklearn.model_selection import train_test_split

    indices = list(range(len(examples)))
    train, held = train_test_split(
        indices,
        test_size=fraction,
        random_state=seed,
        stratify=[e.label for e in examples],
    )
    return sorted(train), sorted(held)


def train_and_compare(
    examples: Sequence[Example],
    current: SentimentEngine,
    settings: SentimentSettings,
    emoticons: EmoticonMap,
    now: dt.datetime,
    source: str,
) -> TrainingOutcome:
    """Train a candidate, score it and ``current`` on the held-out part, decide the switch."""
    counts = Counter(e.label for e in examples)
    if len(examples) < settings.min_training_samples or min(counts[0], counts[1]) < 10:
        raise TrainingDataError(
            f"标注样本不足：共 {len(examples)} 条（正面 {counts[1]}、负面 {counts[0]}），"
            f"至少需要 {settings.min_training_samples} 条且正负面各至少 10 条"
        )
    train_idx, held_idx = _split(examples, settings.holdout_fraction, settings.random_seed)
    texts, labels = training_texts(examples[i] for i in train_idx)
    model = fit_linear_model(texts, labels, settings.regularization)
    held_texts = [examples[i].text for i in held_idx]
    held_labels = [examples[i].label for i in held_idx]
    engine = LinearEngine(model, emoticons, settings.emoticon_weight, settings.max_text_chars)
    cand = evaluate(engine, held_texts, held_labels, settings.batch_size)
    base = evaluate(current, held_texts, held_labels, settings.batch_size)
    sources = {str(k): v for k, v in Counter(e.source for e in examples).items()}
    model = replace(
        model,
        meta={
            "trained_at": now.isoformat(),
            "source": source,
            "n_examples": len(examples),
            "n_train_texts": len(texts),
            "n_holdout": len(held_idx),
            "sources": sources,
            "holdout": {
                "accuracy": cand.accuracy,
                "macro_f1": cand.macro_f1,
                "recall_negative": cand.recall_negative,
                "recall_positive": cand.recall_positive,
            },
            "compared_with": {"engine": base.engine, "macro_f1": base.macro_f1},
        },
    )
    gain = cand.macro_f1 - base.macro_f1
    switch = gain >= settings.min_improvement
    verdict = "切换到新模型" if switch else f"提升不足 {settings.min_improvement:.3f}，保留当前引擎"
    message = (
        f"留出 {len(held_idx)} 条比较：新模型宏F1 {cand.macro_f1:.3f}，"
        f"当前引擎（{base.engine}）{base.macro_f1:.3f}，差 {gain:+.3f}；{verdict}"
    )
    # The engine name must reflect the model that is stored (meta is not hashed).
    cand = replace(cand, engine=f"trained-{model.fingerprint()}")
    return TrainingOutcome(
        model, cand, base, switch, message, len(train_idx), len(held_idx), sources
    )
