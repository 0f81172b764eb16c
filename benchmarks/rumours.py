"""Rumour score on CED (real Weibo rumours and non-rumours with their 20 earliest reposts).

Prints the ROC AUC of the cue score (post + early reactions) beside the baseline measured in
the same run — the share of reactions holding a doubt word — and texts per second. With
--cross-validate it also fits logistic regression weights on the same features in stratified
5-fold cross-validation, to show how far the fixed weights are from fitted ones (nothing
trained here is saved).

    python benchmarks/rumours.py [--data ../shared/datasets/ced_weibo_rumour] [--reactions 20]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from analysis.rumour_cues import load_rumour_cues
from analysis.rumour_score import WEIGHTS, doubt_share_score, rumour_features, rumour_score

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "ced_weibo_rumour"


def load(data: Path, reactions: int) -> tuple[list[str], list[list[str]], np.ndarray]:
    posts = pd.read_csv(data / "original_microblogs.csv")
    reposts = pd.read_csv(data / "reposts_first20.csv")
    reposts = reposts[reposts["rank"] < reactions].copy()
    reposts["text"] = reposts["text"].fillna("").astype(str)
    grouped = reposts.sort_values(["event_id", "rank"]).groupby("event_id")["text"].apply(list)
    texts = posts["text"].fillna("").astype(str).tolist()
    early = [grouped.get(e, []) for e in posts["event_id"]]
    return texts, early, posts["label"].to_numpy()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--reactions", type=int, default=20, help="early reactions per post")
    parser.add_argument("--cross-validate", action="store_true")
    args = parser.parse_args()
    if not (args.data / "original_microblogs.csv").is_file():
        print(f"找不到数据集 {args.data}（应含 original_microblogs.csv）", file=sys.stderr)
        return 2
    posts, early, labels = load(args.data, args.reactions)
    cues = load_rumour_cues()
    n_texts = len(posts) + sum(len(r) for r in early)

    start = time.perf_counter()
    baseline = [doubt_share_score(p, r, cues) for p, r in zip(posts, early, strict=True)]
    baseline_s = time.perf_counter() - start
    start = time.perf_counter()
    scores = [rumour_score(p, r, cues) for p, r in zip(posts, early, strict=True)]
    score_s = time.perf_counter() - start

    auc_base = roc_auc_score(labels, baseline)
    auc = roc_auc_score(labels, scores)
    print(
        f"CED: {len(posts)} posts ({int(labels.sum())} rumours), {n_texts} texts, "
        f"first {args.reactions} reactions each"
    )
    print(
        f"baseline  doubt-word share of reactions   ROC AUC {auc_base:.3f}   "
        f"{n_texts / baseline_s:,.0f} texts/s"
    )
    print(
        f"govmon    cue score (post + reactions)     ROC AUC {auc:.3f}   "
        f"{n_texts / score_s:,.0f} texts/s"
    )
    print(
        f"ratio     AUC {auc / auc_base:.2f}x baseline; "
        f"(AUC-0.5) {(auc - 0.5) / (auc_base - 0.5):.2f}x baseline"
    )
    features = pd.DataFrame(
        [rumour_features(p, r, cues).as_dict() for p, r in zip(posts, early, strict=True)]
    )
    print(
        "per-feature AUC: "
        + ", ".join(f"{name} {roc_auc_score(labels, features[name]):.3f}" for name in WEIGHTS)
    )
    if args.cross_validate:
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold, cross_val_predict

        folds = StratifiedKFold(5, shuffle=True, random_state=0)
        fitted = cross_val_predict(
            LogisticRegression(max_iter=1000),
            features[list(WEIGHTS)],
            labels,
            cv=folds,
            method="predict_proba",
        )[:, 1]
        print(
            f"reference fitted weights, 5-fold CV        ROC AUC "
            f"{roc_auc_score(labels, fitted):.3f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
