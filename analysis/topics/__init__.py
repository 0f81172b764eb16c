"""Hot topics (第二十二条). The entry point is :func:`find_hot_topics`.

``detect`` finds the topics of a window, ``burst`` and ``group`` are its steps, ``texts`` makes
posts and comments one table of texts, ``settings`` holds the [topics] section and ``weekly``
runs the detector over a digest's week.
"""

from analysis.topics.detect import NEGATIVE_BELOW, HotTopic, find_hot_topics, hot_topic_findings

__all__ = ["NEGATIVE_BELOW", "HotTopic", "find_hot_topics", "hot_topic_findings"]
