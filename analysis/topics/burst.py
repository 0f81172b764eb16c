"""Whether a topic bursts: its volume in the window against what its baseline leads to expect.

A topic's expected volume is the number of baseline texts nearest its centre, scaled to the
window's length. It bursts when its window volume is large enough, several times the expected
volume, and significant (a Poisson-like z score), so that what the accounts always talk about
(高速, 收费站 on a transport system's accounts) does not fire however large its count.
"""

from __future__ import annotations

import math

from analysis.topics.settings import TopicsSettings


def growth_of(volume: float, expected: float) -> float:
    return (volume + 1.0) / (expected + 1.0)


def burst_z(volume: float, expected: float) -> float:
    return (volume - expected) / math.sqrt(expected + 1.0)


def bursts(volume: int, expected: float, settings: TopicsSettings) -> bool:
    """The thresholds of ``hot_topic``: volume, growth and significance."""
    return (
        volume >= settings.min_volume
        and growth_of(volume, expected) >= settings.min_growth
        and burst_z(volume, expected) >= settings.min_burst_z
    )
