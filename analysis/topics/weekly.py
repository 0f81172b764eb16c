"""Hot topics of one ISO week for one digest scope (第二十二条).

Every scope (the system, each unit's subtree) looks for its own bursts, so a unit's digest
holds only its own texts. Segmenting is what costs; :class:`MemoSegmenter` segments each text
once for all the scopes of a run.
"""

from __future__ import annotations

import pandas as pd

from analysis.activity import Period
from analysis.segment import Segmenter
from analysis.topics.detect import HotTopic, find_hot_topics
from analysis.topics.settings import TopicsSettings


class MemoSegmenter(Segmenter):
    """A segmenter sharing another's tokenizer, remembering the words of every text it saw."""

    def __init__(self, inner: Segmenter) -> None:  # no super().__init__: the tokenizer is shared
        self.__dict__.update(inner.__dict__)
        self._memo: dict[str, tuple[str, ...]] = {}
        self._phrases: dict[str, tuple[str, ...]] = {}

    def words(self, text: str) -> list[str]:
        hit = self._memo.get(text)
        if hit is None:
            hit = tuple(super().words(text))
            self._memo[text] = hit
        return list(hit)

    def terms_and_phrases(self, text: str) -> list[str]:
        hit = self._phrases.get(text)
        if hit is None:
            hit = tuple(super().terms_and_phrases(text))
            self._phrases[text] = hit
        return list(hit)


def weekly_settings(settings: TopicsSettings, baseline_days: int) -> TopicsSettings:
    """The topic settings with the week as the window and ``baseline_days`` before it."""
    return settings.model_copy(update={"window_hours": 7 * 24, "baseline_days": baseline_days})


def weekly_topics(
    posts: pd.DataFrame,
    comments: pd.DataFrame,
    accounts: pd.DataFrame,
    period: Period,
    settings: TopicsSettings,
    segmenter: Segmenter,
) -> list[HotTopic]:
    """The week's hot topics among these texts, largest first."""
    return find_hot_topics(posts, comments, accounts, period.end, settings, segmenter=segmenter)
