"""``benchmarks/topics.py --events``: govmon's clustering against two baselines on CED events."""

from __future__ import annotations

import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
from term_grouping import assign_documents, burst_terms, document_frequency, group_terms
from topics_events import load_task, score

from analysis.segment import Segmenter, load_segmenter
from analysis.topics.cluster import cluster_texts
from analysis.topics.features import Featurizer, MemoryTokenStore, load_featurizer
from analysis.topics.settings import TopicsSettings

MEMORY_TEXTS = 20_000


def govmon(texts: list[str], settings: TopicsSettings, base: Featurizer) -> np.ndarray:
    """Production clustering from raw texts, with an empty token store (nothing cached)."""
    featurizer = Featurizer(base.segmenter, base.stopwords, MemoryTokenStore())
    tokens = featurizer.tokens(texts)
    return cluster_texts(
        tokens,
        max_distance=settings.cluster_distance,
        centre_similarity=settings.centre_similarity,
        agglomerative_max=settings.agglomerative_max_texts,
    ).labels


def single_term(texts: list[str], segmenter: Segmenter) -> np.ndarray:
    """Each text under its single strongest term (the one most texts hold)."""
    held = [set(segmenter.terms(t)) for t in texts]
    bursts = burst_terms(
        document_frequency(held),
        document_frequency([]),
        scale=1.0,
        min_volume=2,
        min_growth=1.0,
        min_z=0.0,
        limit=len(texts),
    )
    weights = {b.term: b.z for b in bursts}
    return np.asarray(assign_documents(held, [[b.term] for b in bursts], weights))


def term_grouping(texts: list[str], segmenter: Segmenter) -> np.ndarray:
    """The term grouping of govmon before issue 17, with its production defaults."""
    held = [set(segmenter.terms_and_phrases(t)) for t in texts]
    bursts = burst_terms(
        document_frequency(held),
        document_frequency([]),
        scale=1.0,
        min_volume=8,
        min_growth=1.0,
        min_z=0.0,
        limit=60,
    )
    weights = {b.term: b.z for b in bursts}
    groups = group_terms(held, [b.term for b in bursts], 0.3)
    return np.asarray(assign_documents(held, groups, weights))


def _timed(run: Callable[[], np.ndarray]) -> tuple[np.ndarray, float]:
    start = time.perf_counter()
    labels = run()
    return labels, time.perf_counter() - start


def run_events(
    folder: Path,
    count: int,
    seed: int,
    *,
    max_distance: float | None,
    centre_similarity: float | None,
    memory: bool,
) -> int:
    if not (folder / "original_microblogs.csv").is_file():
        print(f"找不到数据集 {folder}/original_microblogs.csv", file=sys.stderr)
        return 2
    settings = TopicsSettings()
    update: dict[str, float] = {}
    if max_distance is not None:
        update["cluster_distance"] = max_distance
    if centre_similarity is not None:
        update["centre_similarity"] = centre_similarity
    settings = settings.model_copy(update=update)
    task = load_task(folder, count, seed)
    base = load_featurizer()
    segmenter = load_segmenter()
    segmenter.terms("预热")  # load jieba's dictionary outside the timing
    n = len(task.texts)
    print(
        f"CED events: {count} events (seed {seed}), {n} texts; govmon: average link at "
        f"cosine distance {settings.cluster_distance}, defaults tuned on seed 2"
    )
    runs: list[tuple[str, Callable[[], np.ndarray]]] = [
        ("govmon", lambda: govmon(task.texts, settings, base)),
        ("single-term", lambda: single_term(task.texts, segmenter)),
        ("term-grouping", lambda: term_grouping(task.texts, segmenter)),
    ]
    nmis: dict[str, float] = {}
    speeds: dict[str, float] = {}
    for name, run in runs:
        labels, seconds = _timed(run)
        s = score(task.events, labels)
        nmis[name] = s.nmi
        speeds[name] = n / seconds
        print(
            f"{name} NMI {s.nmi:.3f} purity {s.purity:.3f} ARI {s.ari:.3f} "
            f"coverage {s.coverage:.3f} texts/s {n / seconds:,.0f}"
        )
    print(
        f"ratio govmon / single-term: NMI {nmis['govmon'] / nmis['single-term']:.2f}x, "
        f"speed {speeds['govmon'] / speeds['single-term']:.2f}x (both segment every text)"
    )
    if memory:
        big = load_task(folder, 10_000, seed)
        for size in (settings.agglomerative_max_texts, MEMORY_TEXTS):
            texts = big.texts[:size]
            tracemalloc.start()
            labels, seconds = _timed(lambda texts=texts: govmon(texts, settings, base))
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            s = score(big.events[:size], labels)
            how = "average link" if size <= settings.agglomerative_max_texts else "single pass"
            print(
                f"memory at {len(texts):,} texts ({how}): peak {peak / 2**20:,.0f} MiB "
                f"(tracemalloc), NMI {s.nmi:.3f}, texts/s {len(texts) / seconds:,.0f} "
                "(traced, slower)"
            )
    return 0
