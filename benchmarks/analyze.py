"""Benchmark of the pure analysis: a synthetic week for 300 accounts (6,000 posts, 200,000
comments), analysed from cold and again after 1 % new texts (the text cache kept).

Prints the times, their ratio, a baseline measured in the same run (the question classifier in
a plain loop over every comment, no cache, no rules) and the peak memory. Also prints the
question classifier's precision and recall on the labelled sets in tests/data.

    python benchmarks/analyze.py [--accounts 300] [--posts 6000] [--comments 200000]
"""

from __future__ import annotations

import argparse
import csv
import resource
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from week import NOW, add_new_texts, synthetic_week

from analysis.compliance.engine import run_analysis
from analysis.compliance.text_flags import TextCache, TextScorer
from analysis.questions import QuestionClassifier, score
from analysis.rule_settings import QuestionsSettings, RulesSettings
from analysis.workdays import WorkCalendar


def _run(frames: dict[str, pd.DataFrame], scorer: TextScorer, cache: TextCache) -> float:
    began = time.perf_counter()
    run_analysis(
        frames["accounts"],
        frames["posts"],
        frames["comments"],
        now=NOW,
        calendar=WorkCalendar(),
        rules=RulesSettings(),
        questions=QuestionsSettings(),
        scorer=scorer,
        cache=cache,
    )
    return time.perf_counter() - began


def labelled_scores(data_dir: Path) -> None:
    classifier = QuestionClassifier.default()
    for name in ("questions_labelled.csv", "questions_holdout.csv"):
        path = data_dir / name
        if not path.is_file():
            continue
        with path.open(encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        s = score(classifier.classify(r["text"] for r in rows), [r["label"] == "1" for r in rows])
        print(
            f"提问识别 {name}: {len(rows)} 条, precision {s.precision:.3f}, "
            f"recall {s.recall:.3f}, F1 {s.f1:.3f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=300)
    parser.add_argument("--posts", type=int, default=6000)
    parser.add_argument("--comments", type=int, default=200_000)
    args = parser.parse_args(argv)

    labelled_scores(Path(__file__).resolve().parent.parent / "tests" / "data")
    frames = synthetic_week(args.accounts, args.posts, args.comments)
    n_comments = len(frames["comments"])
    print(
        f"synthetic week: {args.accounts} accounts, {len(frames['posts'])} posts, "
        f"{n_comments} comments"
    )

    classifier = QuestionClassifier.default()
    began = time.perf_counter()
    for text in frames["comments"]["text"]:
        classifier.is_question(text)
    baseline = time.perf_counter() - began

    scorer = TextScorer.from_settings()
    cache: TextCache = {}
    cold = _run(frames, scorer, cache)
    grown = add_new_texts(frames, 0.01)
    warm = _run(grown, scorer, cache)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"baseline (classifier loop over every comment, no rules): {baseline:.2f} s")
    print(
        f"cold analysis (all texts scored, all rules): {cold:.2f} s "
        f"= {cold / baseline:.2f} × baseline"
    )
    print(
        f"incremental after +1 % new texts (cache kept): {warm:.2f} s "
        f"= {warm / cold:.2f} × cold, {warm / baseline:.2f} × baseline"
    )
    print(f"peak memory (max RSS of this process): {peak_mib:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
