"""Topic grouping benchmarks: events on Weibo (``--events``), or THUCNews headline classes.

``--events`` builds an event-clustering task from a folder in CED's layout (see
``topics_events.py``) and prints, for govmon's text clustering, the single-term baseline and the
term grouping govmon used before (``term_grouping.py``), one line each:
``<name> NMI <x> purity <y> ARI <z> coverage <c> texts/s <n>``, then the peak memory of
govmon's clustering at 20,000 texts (single pass beyond the average-link bound) and at the
bound. govmon runs with the production defaults of ``[topics]``; those were tuned on the draw of
``--seed 2`` and are reported on the default seed 1.

    python benchmarks/topics.py --events [--data ../shared/datasets/ced_weibo_rumour] [--seed 1]

Without ``--events``, the THUCNews check of the term grouping govmon used before issue 17:

The headlines have no time axis, so the whole split is the window and the baseline is empty:
the most frequent terms are the "bursting" ones, grouped by co-occurrence exactly as
``analysis.topics`` did before issue 17, and each headline joins the topic it matches best. The baselines, measured
in the same run, assign each headline to its single strongest term (no grouping): over all the
terms, and over only as many of the strongest terms as govmon made topics (purity rises with
the number of clusters, so the second compares like with like). Unmatched headlines form one
cluster of their own in all three, so coverage counts.

    python benchmarks/topics.py [--data ../shared/datasets/thucnews_titles] [--split test]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
from events_bench import run_events
from sklearn.metrics import normalized_mutual_info_score
from sklearn.metrics.cluster import contingency_matrix
from term_grouping import assign_documents, burst_terms, document_frequency, group_terms

from analysis.segment import load_segmenter

DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"
DEFAULT_DATA = DATASETS / "thucnews_titles"
DEFAULT_EVENTS = DATASETS / "ced_weibo_rumour"


def purity(labels: np.ndarray, clusters: list[int]) -> float:
    table = contingency_matrix(labels, clusters)
    return float(table.max(axis=0).sum() / table.sum())


def scores(labels: np.ndarray, clusters: list[int]) -> tuple[float, float, float, int]:
    covered = sum(1 for c in clusters if c >= 0) / len(clusters)
    n_topics = len({c for c in clusters if c >= 0})
    nmi = normalized_mutual_info_score(labels, clusters)
    return purity(labels, clusters), float(nmi), covered, n_topics


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", action="store_true", help="event clustering on CED")
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=1, help="draw of events (tuned on 2)")
    parser.add_argument("--count", type=int, default=300, help="events drawn")
    parser.add_argument("--max-distance", type=float, default=None, help="override for tuning")
    parser.add_argument("--centre-similarity", type=float, default=None)
    parser.add_argument("--no-memory", action="store_true", help="skip the 20,000-text run")
    parser.add_argument("--split", default="test", choices=["dev", "test"])
    parser.add_argument("--terms", type=int, default=300, help="bursting terms to group")
    parser.add_argument("--min-df", type=int, default=15)
    parser.add_argument("--threshold", type=float, default=0.1, help="co-occurrence link level")
    args = parser.parse_args()
    if args.events:
        return run_events(
            args.data or DEFAULT_EVENTS,
            args.count,
            args.seed,
            max_distance=args.max_distance,
            centre_similarity=args.centre_similarity,
            memory=not args.no_memory,
        )
    path = (args.data or DEFAULT_DATA) / f"{args.split}.csv"
    if not path.is_file():
        print(f"找不到数据集 {path}", file=sys.stderr)
        return 2
    frame = pd.read_csv(path)
    titles = frame["title"].fillna("").astype(str).tolist()
    labels = frame["label_id"].to_numpy()
    segmenter = load_segmenter()
    segmenter.terms("预热")  # load jieba's dictionary outside the timing

    start = time.perf_counter()
    held = [set(segmenter.terms(t)) for t in titles]
    bursts = burst_terms(
        document_frequency(held),
        Counter(),
        scale=1.0,
        min_volume=args.min_df,
        min_growth=1.0,
        min_z=0.0,
        limit=args.terms,
    )
    terms = [b.term for b in bursts]
    weights = {b.term: b.z for b in bursts}
    grouped_at = time.perf_counter()
    groups = group_terms(held, terms, args.threshold)
    topics = assign_documents(held, groups, weights)
    elapsed = time.perf_counter() - start
    group_s = time.perf_counter() - grouped_at

    start = time.perf_counter()
    single = assign_documents(held, [[t] for t in terms], weights)
    single_s = time.perf_counter() - start

    p, nmi, cov, n = scores(labels, topics)
    bp, bnmi, bcov, bn = scores(labels, single)
    same_k = assign_documents(held, [[t] for t in terms[: len(groups)]], weights)
    kp, knmi, kcov, kn = scores(labels, same_k)
    print(
        f"THUCNews {args.split}: {len(titles)} headlines, 10 classes; "
        f"{len(terms)} terms with df >= {args.min_df}"
    )
    print(
        f"baseline  one term per topic      purity {bp:.3f}  NMI {bnmi:.3f}  "
        f"coverage {bcov:.2f}  topics {bn}"
    )
    print(
        f"baseline  one term, {len(groups)} terms      purity {kp:.3f}  NMI {knmi:.3f}  "
        f"coverage {kcov:.2f}  topics {kn}"
    )
    print(
        f"old-grouping co-occurrence      purity {p:.3f}  NMI {nmi:.3f}  "
        f"coverage {cov:.2f}  topics {n}"
    )
    print(f"ratio     purity {p / bp:.2f}x  NMI {nmi / bnmi:.2f}x baseline (all terms)")
    print(
        f"ratio     purity {p / kp:.2f}x  NMI {nmi / knmi:.2f}x  coverage {cov / kcov:.2f}x "
        f"baseline (as many topics)"
    )
    print(
        f"speed     {len(titles) / elapsed:,.0f} texts/s end to end (segmentation included); "
        f"grouping {group_s:.2f}s vs single-term assignment {single_s:.2f}s"
    )
    sizes = Counter(t for t in topics if t >= 0).most_common(5)
    for index, size in sizes:
        print(f"  topic of {size:5d}: {' '.join(groups[index][:8])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
