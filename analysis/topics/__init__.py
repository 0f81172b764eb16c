"""Hot topics (第二十二条). The entry point is :func:`find_hot_topics`.

``detect`` finds the topics of a window, ``burst`` and ``group`` are its steps, ``texts`` makes
posts and comments one table of texts, ``settings`` holds the [topics] section and ``weekly``
runs the detector over a digest's week.

The names below are loaded on first use: the settings module imports ``settings`` from here,
and every command would otherwise pay for importing scikit-learn and scipy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from analysis.topics.detect import (
        NEGATIVE_BELOW,
        HotTopic,
        find_hot_topics,
        hot_topic_findings,
    )

__all__ = ["NEGATIVE_BELOW", "HotTopic", "find_hot_topics", "hot_topic_findings"]


def __getattr__(name: str) -> object:
    if name in __all__:
        from analysis.topics import detect

        return getattr(detect, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
