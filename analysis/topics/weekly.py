"""Hot topics of one ISO week for one digest scope (第二十二条).

Every scope (the system, each unit's subtree) looks for its own bursts, so a unit's digest
holds only its own texts. Segmenting is what costs; the featurizer keeps each text's tokens
by text hash, so a text is segmented once for all the scopes of a run, and ``vectors`` (the
run's analysis.digest_vectors.RunVectors) counts each text's features once for them all.
"""

from __future__ import annotations

import pandas as pd

from analysis.activity import Period
from analysis.digest_vectors import RunVectors
from analysis.topics.detect import HotTopic, find_hot_topics
from analysis.topics.features import Featurizer
from analysis.topics.settings import TopicsSettings


def weekly_settings(settings: TopicsSettings, baseline_days: int) -> TopicsSettings:
    """The topic settings with the week as the window and ``baseline_days`` before it."""
    return settings.model_copy(update={"window_hours": 7 * 24, "baseline_days": baseline_days})


def weekly_topics(
    posts: pd.DataFrame,
    comments: pd.DataFrame,
    accounts: pd.DataFrame,
    period: Period,
    settings: TopicsSettings,
    featurizer: Featurizer,
    vectors: RunVectors | None = None,
    texts: pd.DataFrame | None = None,
) -> list[HotTopic]:
    """The week's hot topics among these texts, largest first. ``texts``: the run's
    ``topic_texts`` of every account, which this scope's accounts' rows are read from."""
    return find_hot_topics(
        posts,
        comments,
        accounts,
        period.end,
        settings,
        featurizer=featurizer,
        vectors=vectors,
        words_held=None if vectors is None else vectors.words_held,
        texts=texts,
    )
