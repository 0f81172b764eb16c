"""Hot topics: planted bursts in synthetic streams (第二十二条)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from fakes import streams
from fakes.streams import Stream

from analysis.segment import Segmenter, load_segmenter, read_userdict
from analysis.topics import HotTopic, find_hot_topics, hot_topic_findings
from analysis.topics.burst import burst_terms
from analysis.topics.detect import topic_key
from analysis.topics.group import assign_documents, group_terms
from analysis.topics.settings import TopicsSettings

NOW = dt.datetime(2025, 3, 12, 4, 0, tzinfo=dt.UTC)  # 12:00 in Shanghai

ACCOUNT_ROWS = [
    (1, "weibo:100", 10, "省交通运输厅"),
    (2, "weibo:200", 20, "省高速公路管理局"),
    (3, "weibo:300", 30, "江州市交通运输局"),
]

# Background chatter, every day: 高速 and 收费站 are always frequent on these accounts.
ROUTINE = [
    "今日高速路况良好，收费站通行顺畅",
    "高速收费站提醒您文明驾驶",
    "周末高速车流平稳，收费站畅通",
    "高速公路养护作业有序进行，请注意收费站提示",
]


def accounts_frame() -> pd.DataFrame:
    return streams.accounts_frame(ACCOUNT_ROWS)


def routine_stream(days: int = 8) -> Stream:
    """Each hour of the last ``days`` days, one routine post with two routine comments."""
    stream = Stream()
    for hour in range(days * 24):
        at = NOW - dt.timedelta(hours=hour, minutes=30)
        pid = stream.post(1 + hour % 3, ROUTINE[hour % len(ROUTINE)], at, sentiment=0.7)
        stream.comment(
            pid,
            ROUTINE[(hour + 1) % len(ROUTINE)],
            at + dt.timedelta(minutes=5),
            author=f"r{hour % 17}",
            sentiment=0.6,
        )
    return stream


def plant(
    stream: Stream,
    texts: list[str],
    count: int,
    hours_ago: float = 6,
    sentiment: float | None = 0.2,
) -> None:
    """``count`` texts of one event in the window, as posts of account 2 and their comments."""
    for i in range(count):
        at = NOW - dt.timedelta(hours=hours_ago) + dt.timedelta(minutes=7 * i)
        text = texts[i % len(texts)]
        if i % 3 == 0:
            stream.post(2, text, at, sentiment=sentiment)
        else:
            stream.comment(1 + (i % 5), text, at, author=f"n{i}", sentiment=sentiment)


JAM = [
    "沈海高速江州段团雾封闭，车辆滞留三小时",
    "团雾导致沈海高速封闭，滞留车辆很多",
    "沈海高速团雾封闭了吗，还在滞留",
]
METRO = [
    "地铁3号线信号故障停运，乘客被困",
    "地铁3号线停运，信号故障什么时候恢复",
    "地铁3号线信号故障，停运太久了",
]


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    return load_segmenter()


def run(stream: Stream, segmenter: Segmenter, sentiment: bool = False) -> list[HotTopic]:
    posts, comments = stream.frames(sentiment=sentiment)
    return find_hot_topics(
        posts, comments, accounts_frame(), NOW, TopicsSettings(), segmenter=segmenter
    )


def test_quiet_stream_has_no_topic(segmenter: Segmenter) -> None:
    assert run(routine_stream(), segmenter) == []


def test_planted_burst_is_found_and_always_frequent_term_does_not_fire(
    segmenter: Segmenter,
) -> None:
    stream = routine_stream()
    plant(stream, JAM, 24)
    topics = run(stream, segmenter)
    assert len(topics) == 1
    topic = topics[0]
    assert {"沈海高速", "团雾"} <= set(topic.terms)
    assert "团雾" in topic.label
    # 高速 and 收费站 appear in every routine text: never a burst term.
    for routine in ("高速", "收费站"):
        assert routine not in topic.terms
    assert topic.volume >= 24
    assert topic.baseline_volume == 0
    assert topic.growth >= 20
    assert "weibo:200" in topic.accounts
    assert len(topic.examples) == 3
    assert all(e.url.startswith("https://weibo.example/p/") for e in topic.examples)


def test_always_frequent_term_with_big_window_volume_does_not_fire(segmenter: Segmenter) -> None:
    stream = routine_stream()
    # Double the routine chatter in the window: 高速 grows but stays within its usual rate.
    for hour in range(24):
        at = NOW - dt.timedelta(hours=hour, minutes=10)
        stream.post(3, ROUTINE[hour % len(ROUTINE)], at)
    assert run(stream, segmenter) == []


def test_two_planted_events_become_two_topics(segmenter: Segmenter) -> None:
    stream = routine_stream()
    plant(stream, JAM, 24, hours_ago=10)
    plant(stream, METRO, 18, hours_ago=4)
    topics = run(stream, segmenter)
    assert len(topics) == 2
    jam = next(t for t in topics if "团雾" in t.terms)
    metro = next(t for t in topics if "停运" in t.terms)
    assert "地铁3号线" in metro.terms and "地铁3号线" not in jam.terms
    assert not (set(jam.terms) & set(metro.terms))
    assert jam.volume >= 24 and metro.volume >= 18


def test_burst_below_min_volume_does_not_fire(segmenter: Segmenter) -> None:
    stream = routine_stream()
    plant(stream, JAM, 5)
    assert run(stream, segmenter) == []


def test_sentiment_mix_only_when_scores_given(segmenter: Segmenter) -> None:
    stream = routine_stream()
    plant(stream, JAM, 24, sentiment=0.1)
    without = run(stream, segmenter)[0]
    with_scores = run(stream, segmenter, sentiment=True)[0]
    assert without.sentiment is None
    assert with_scores.sentiment is not None
    assert with_scores.sentiment.negative == pytest.approx(1.0)
    finding = hot_topic_findings([with_scores])[0]
    assert finding.severity == "warning"
    assert hot_topic_findings([without])[0].severity == "info"


def test_finding_fields_and_summary(segmenter: Segmenter) -> None:
    stream = routine_stream()
    plant(stream, JAM, 24)
    topic = run(stream, segmenter)[0]
    finding = hot_topic_findings([topic])[0]
    assert finding.rule == "hot_topic"
    assert finding.article == "第二十二条"
    assert finding.subject_type == "topic"
    assert "第二十二条" in finding.summary and "团雾" in finding.summary
    assert finding.dedup_key == topic.key
    assert finding.data["volume"] == topic.volume
    assert len(finding.evidence) == 3


def test_dedup_key_is_stable_across_consecutive_runs(segmenter: Segmenter) -> None:
    stream = routine_stream()
    plant(stream, JAM, 24, hours_ago=8)
    posts, comments = stream.frames()
    first = find_hot_topics(posts, comments, accounts_frame(), NOW, segmenter=segmenter)[0]
    later = NOW + dt.timedelta(hours=1)
    second = find_hot_topics(posts, comments, accounts_frame(), later, segmenter=segmenter)[0]
    assert second.key == first.key
    # After midnight in Shanghai the date changes: passing the open topics keeps the key.
    next_day = NOW + dt.timedelta(hours=14)
    stream2 = routine_stream(days=9)
    plant(stream2, JAM, 24, hours_ago=-4)
    p2, c2 = stream2.frames()
    fresh = find_hot_topics(p2, c2, accounts_frame(), next_day, segmenter=segmenter)[0]
    kept = find_hot_topics(
        p2,
        c2,
        accounts_frame(),
        next_day,
        segmenter=segmenter,
        previous={first.key: list(first.label)},
    )[0]
    assert fresh.key != first.key
    assert kept.key == first.key


def test_topic_key_ignores_label_order() -> None:
    a = topic_key(("团雾", "沈海高速", "封闭"), NOW, {})
    b = topic_key(("沈海高速", "封闭", "团雾"), NOW, {})
    assert a == b == "hot_topic:2025-03-12:" + "+".join(sorted(["团雾", "沈海高速", "封闭"]))


def test_results_are_deterministic(segmenter: Segmenter) -> None:
    stream = routine_stream()
    plant(stream, JAM, 24)
    plant(stream, METRO, 18, hours_ago=3)
    assert run(stream, segmenter) == run(stream, segmenter)


def test_naive_now_is_refused(segmenter: Segmenter) -> None:
    posts, comments = routine_stream(days=1).frames()
    with pytest.raises(ValueError, match="时区"):
        find_hot_topics(
            posts, comments, accounts_frame(), NOW.replace(tzinfo=None), segmenter=segmenter
        )


def test_user_dictionary_keeps_transport_terms_whole(segmenter: Segmenter) -> None:
    terms = segmenter.terms("沈海高速服务区ETC门架故障，地铁3号线收费站")
    assert "服务区" in terms and "ETC门架" in terms and "地铁3号线" in terms


def test_bad_user_dictionary_line_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "dict.txt"
    path.write_text("# 注释\n服务区 100 n\n收费站 多 n\n", encoding="utf-8")
    with pytest.raises(ValueError, match="第 3 行格式有误"):
        read_userdict(path)


def test_missing_dictionary_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="找不到用户词典文件"):
        load_segmenter(str(tmp_path / "none.txt"))


def test_empty_frames_give_no_topic(segmenter: Segmenter) -> None:
    posts, comments = Stream().frames()
    assert find_hot_topics(posts, comments, accounts_frame(), NOW, segmenter=segmenter) == []


def test_group_terms_joins_co_occurring_terms_only() -> None:
    docs = [{"团雾", "封闭"}] * 5 + [{"停运", "信号"}] * 4 + [{"团雾"}, {"停运"}]
    groups = group_terms(docs, ["团雾", "停运", "封闭", "信号"], threshold=0.3)
    assert groups == [["团雾", "封闭"], ["停运", "信号"]]
    owner = assign_documents([{"封闭"}, {"信号", "停运"}, {"收费站"}], groups)
    assert owner == [0, 1, -1]


def test_burst_terms_skip_always_frequent_terms() -> None:
    window = Counter({"高速": 30, "团雾": 12})
    baseline = Counter({"高速": 210})  # 30 a day: the window's 30 is ordinary
    found = burst_terms(
        window, baseline, scale=1 / 7, min_volume=8, min_growth=3.0, min_z=3.0, limit=10
    )
    assert [b.term for b in found] == ["团雾"]
    assert found[0].expected == 0 and found[0].growth == pytest.approx(13.0)
