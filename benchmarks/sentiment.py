"""Sentiment: the trained engine against snownlp's default model, measured in the same run.

    python benchmarks/sentiment.py --data ../shared/datasets

Trains on weibo_senti_100k/train.csv as if it were a deployment's collected comments (its
labels are ignored: the texts are weak-labelled by config/emoticons.toml, the labelling
emoticons removed), through the same train-and-compare workflow as `govmon sentiment
train` (against snownlp on a held-out tenth). Then scores weibo_senti_100k/test.csv with
emoticons kept and with every [..] emoticon stripped, chnsenticorp/test.csv and
waimai_10k: the trained engine on every text, and both engines side by side on the same
fixed-seed sample of --limit texts per set (snownlp is slow). A plain bag-of-words model
over jieba tokens, trained on the same examples, is shown for reference on the stripped
set. No model is written.

With --curve it also retrains on 1/8, 1/4, 1/2 and all of the weak-labelled comments and
prints macro-F1 on the stripped test set for each: how much a deployment gains from
collecting more comments.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
import time
from pathlib import Path

from analysis.sentiment.emoticons import EmoticonMap, load_emoticon_map, strip_emoticons
from analysis.sentiment.engine import edge_score
from analysis.sentiment.linear import LinearEngine, fit_linear_model, jieba_words, model_text
from analysis.sentiment.metrics import EvalReport, binary_metrics, evaluate, format_reports
from analysis.sentiment.settings import SentimentSettings
from analysis.sentiment.snownlp_engine import SnowNLPEngine
from analysis.sentiment.training import (
    Example,
    build_examples,
    train_and_compare,
    training_texts,
)


def read(path: Path, text_col: str) -> tuple[list[str], list[int]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [(r[text_col] or "", int(r["label"])) for r in csv.DictReader(handle)]
    return [t for t, _ in rows], [y for _, y in rows]


def sample(texts: list[str], labels: list[int], limit: int) -> tuple[list[str], list[int]]:
    if not limit or len(texts) <= limit:
        return texts, labels
    keep = sorted(random.Random(7).sample(range(len(texts)), limit))
    return [texts[i] for i in keep], [labels[i] for i in keep]


class JiebaBagOfWords:
    """The reference the issue names: counts of jieba tokens, logistic regression."""

    name = "jieba-bow-reference"

    def __init__(self, examples: list[Example]) -> None:
        from sklearn.feature_extraction.text import CountVectorizer
        from sklearn.linear_model import LogisticRegression

        self._vec = CountVectorizer(tokenizer=jieba_words, token_pattern=None)
        matrix = self._vec.fit_transform([e.text for e in examples])
        self._clf = LogisticRegression(max_iter=3000).fit(matrix, [e.label for e in examples])

    def score_batch(self, texts: list[str]) -> list[float]:
        return [float(p) for p in self._clf.predict_proba(self._vec.transform(texts))[:, 1]]


def learning_curve(
    examples: list[Example],
    settings: SentimentSettings,
    emoticons: EmoticonMap,
    texts: list[str],
    labels: list[int],
) -> None:
    """Macro-F1 on ``texts`` of models trained on growing fixed-seed shares of ``examples``."""
    shuffled = random.Random(3).sample(examples, len(examples))
    print("\n== 学习曲线：弱标注评论越多，去除表情后的宏F1 ==")
    previous: float | None = None
    for share in (8, 4, 2, 1):
        part = shuffled[: len(shuffled) // share]
        train_texts, train_labels = training_texts(part)
        model = fit_linear_model(train_texts, train_labels, settings.regularization)
        engine = LinearEngine(model, emoticons, settings.emoticon_weight)
        _acc, f1, _rn, _rp = binary_metrics(labels, engine.score_batch(texts))
        gain = "" if previous is None else f"（翻倍 {f1 - previous:+.3f}）"
        print(f"  {len(part):6d} 条评论：宏F1 {f1:.3f}{gain}")
        previous = f1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="../shared/datasets")
    parser.add_argument(
        "--limit", type=int, default=1000, help="side-by-side sample per set (0 = all)"
    )
    parser.add_argument(
        "--curve", action="store_true", help="also print the learning curve (about 3 minutes)"
    )
    args = parser.parse_args(argv)
    data: Path = args.data
    if not (data / "weibo_senti_100k" / "train.csv").exists():
        print(f"找不到数据集：{data / 'weibo_senti_100k' / 'train.csv'}", file=sys.stderr)
        return 2

    settings = SentimentSettings(holdout_fraction=0.1)
    emoticons = load_emoticon_map()
    snow = SnowNLPEngine()  # plain snownlp: the baseline
    comments, _ignored_labels = read(data / "weibo_senti_100k" / "train.csv", "review")
    examples = build_examples(comments, [], emoticons, settings.split_reposts)
    print(f"weibo_senti_100k/train.csv: {len(comments)} 条评论，表情弱标注得到 {len(examples)} 条")
    started = time.perf_counter()
    outcome = train_and_compare(
        examples, snow, settings, emoticons, dt.datetime.now(dt.UTC), "weibo_senti_100k/train"
    )
    print(f"训练与比较用时 {time.perf_counter() - started:.0f} 秒；{outcome.message}")
    engine = LinearEngine(outcome.candidate, emoticons, settings.emoticon_weight)
    bow = JiebaBagOfWords(examples)

    weibo_texts, weibo_labels = read(data / "weibo_senti_100k" / "test.csv", "review")
    sets = {
        "weibo_senti_100k/test（保留表情）": (weibo_texts, weibo_labels),
        "weibo_senti_100k/test（去除表情）": (
            [strip_emoticons(t) for t in weibo_texts],
            weibo_labels,
        ),
        "chnsenticorp/test": read(data / "chnsenticorp" / "test.csv", "text_a"),
        "waimai_10k": read(data / "waimai_10k" / "waimai_10k.csv", "review"),
    }
    for title, (texts, labels) in sets.items():
        full = evaluate(engine, texts, labels)
        texts, labels = sample(texts, labels, args.limit)
        trained = evaluate(engine, texts, labels)
        baseline = evaluate(snow, texts, labels)
        reports: list[EvalReport] = [trained, baseline]
        if "去除" in title:
            prepared = [model_text(t, emoticons) for t in texts]
            scores = [s if (s := edge_score(t, None, 0)) is not None else -1.0 for t in texts]
            bow_scores = bow.score_batch(prepared)
            merged = [b if s < 0 else s for s, b in zip(scores, bow_scores, strict=True)]
            acc, f1, rn, rp = binary_metrics(labels, merged)
            reports.append(EvalReport(bow.name, len(texts), acc, f1, rn, rp, float("nan")))
        print(f"\n== {title} ==")
        print(
            f"全部 {full.n} 条，已训练引擎：准确率 {full.accuracy:.3f}，宏F1 {full.macro_f1:.3f}，"
            f"负面召回 {full.recall_negative:.3f}，正面召回 {full.recall_positive:.3f}，"
            f"{full.texts_per_second:.0f} 条/秒"
        )
        print(f"同一批 {len(texts)} 条上与 snownlp 默认模型并列：")
        print(format_reports(reports, baseline))
        print(
            f"宏F1 {trained.macro_f1:.3f} 对 snownlp {baseline.macro_f1:.3f}"
            f"（{trained.macro_f1 - baseline.macro_f1:+.3f}），"
            f"速度 {trained.texts_per_second / baseline.texts_per_second:.1f} 倍"
        )
    if args.curve:
        stripped, labels = sets["weibo_senti_100k/test（去除表情）"]
        learning_curve(examples, settings, emoticons, stripped, labels)
    return 0


if __name__ == "__main__":
    sys.exit(main())
