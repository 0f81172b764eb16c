"""The event-clustering task of ``benchmarks/topics.py --events`` (CED's layout).

Each of ``events`` events drawn with ``seed`` gives its source post and its reposts that keep at
least 8 Chinese characters once @mentions, links and emoticons are removed; all are shuffled
together. The event is the label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.metrics.cluster import contingency_matrix

from analysis.segment import clean_text

MIN_HAN = 8
_HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class EventTask:
    texts: list[str]
    events: np.ndarray  # the event of each text (an integer)


def han_count(text: str) -> int:
    return len(_HAN.findall(clean_text(text)))


def load_task(folder: Path, events: int, seed: int) -> EventTask:
    """``events`` events drawn with ``seed`` (all of them when there are fewer)."""
    posts = pd.read_csv(folder / "original_microblogs.csv", usecols=["event_id", "text"])
    reposts = pd.read_csv(folder / "reposts_first20.csv", usecols=["event_id", "rank", "text"])
    ids = sorted(posts["event_id"].astype(str).unique())
    rng = np.random.default_rng(seed)
    chosen = [ids[i] for i in rng.permutation(len(ids))[: min(events, len(ids))]]
    number = {e: i for i, e in enumerate(chosen)}
    frame = pd.concat([posts.assign(rank=-1), reposts], ignore_index=True).astype({"event_id": str})
    frame = frame[frame["event_id"].isin(number)].sort_values(["event_id", "rank"])
    frame = frame.assign(text=frame["text"].fillna("").astype(str))
    frame = frame[[han_count(t) >= MIN_HAN for t in frame["text"]]]
    order = rng.permutation(len(frame))
    shuffled = frame.iloc[order]
    return EventTask(
        shuffled["text"].tolist(), shuffled["event_id"].map(number).to_numpy(dtype=np.int64)
    )


@dataclass(frozen=True)
class Scores:
    nmi: float
    purity: float
    ari: float
    coverage: float


def score(events: np.ndarray, clusters: np.ndarray) -> Scores:
    """Noise (no cluster, or a cluster of one) is one cluster for NMI and purity, and each
    noise text its own cluster for ARI."""
    clusters = np.asarray(clusters, dtype=np.int64).copy()
    values, counts = np.unique(clusters[clusters >= 0], return_counts=True)
    singles = set(values[counts == 1].tolist())
    noise = (clusters < 0) | np.isin(clusters, list(singles))
    as_one = np.where(noise, -1, clusters)
    table = contingency_matrix(events, as_one)
    purity = float(table.max(axis=0).sum() / table.sum())
    nmi = float(normalized_mutual_info_score(events, as_one))
    own = as_one.copy()
    own[noise] = -1 - np.arange(int(noise.sum()))
    ari = float(adjusted_rand_score(events, own))
    return Scores(nmi, purity, ari, float(1.0 - noise.mean()))
