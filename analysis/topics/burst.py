"""Which terms burst: document frequency in a window against the rate seen in a baseline.

A term's expected volume in the window is its baseline document frequency scaled to the
window's length. It bursts when its window volume is large enough, several times the expected
volume, and significant (a Poisson-like z score), so that a term that is always frequent
(高速, 收费站 on a transport system's accounts) does not fire however large its count.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class TermBurst:
    term: str
    volume: int  # window documents holding the term
    baseline: int  # baseline documents holding the term
    expected: float  # baseline scaled to the window's length
    growth: float  # (volume + 1) / (expected + 1)
    z: float  # (volume - expected) / sqrt(expected + 1)


def document_frequency(docs: Iterable[Iterable[str]]) -> Counter[str]:
    """In how many documents each term appears (each document counted once per term)."""
    counts: Counter[str] = Counter()
    for terms in docs:
        counts.update(set(terms))
    return counts


def growth_of(volume: float, expected: float) -> float:
    return (volume + 1.0) / (expected + 1.0)


def burst_terms(
    window_df: Counter[str],
    baseline_df: Counter[str],
    *,
    scale: float,
    min_volume: int,
    min_growth: float,
    min_z: float,
    limit: int,
) -> list[TermBurst]:
    """Terms that burst, strongest first (by z, then volume, then the term for determinism).

    ``scale`` is the window's length divided by the baseline's (24 h / 7 days = 1/7).
    """
    found: list[TermBurst] = []
    for term, volume in window_df.items():
        if volume < min_volume:
            continue
        baseline = baseline_df.get(term, 0)
        expected = baseline * scale
        growth = growth_of(volume, expected)
        z = (volume - expected) / math.sqrt(expected + 1.0)
        if growth >= min_growth and z >= min_z:
            found.append(TermBurst(term, volume, baseline, expected, growth, z))
    found.sort(key=lambda b: (-b.z, -b.volume, b.term))
    return found[:limit]
