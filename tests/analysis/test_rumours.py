"""Rumours and their clarification (第二十二、二十三条)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from fakes import streams
from fakes.streams import Stream

from analysis.frames import UNITS
from analysis.rumour_cues import RumourCues, load_rumour_cues
from analysis.rumour_score import doubt_share_score, rumour_features, rumour_score
from analysis.rumours import (
    RumourClaim,
    carried_rumour_keys,
    clarified_claims,
    find_rumours,
    rumour_findings,
)
from analysis.segment import Segmenter, load_segmenter
from analysis.topics.settings import RumoursSettings

NOW = dt.datetime(2025, 3, 12, 4, 0, tzinfo=dt.UTC)

# 厅 (1) → 高速公路管理局 (2) → 江州路段管理处 (3); 江州市交通运输局 (4) is another branch.
UNIT_ROWS = [
    (1, "省交通运输厅", "厅", None),
    (2, "省高速公路管理局", "高速局", 1),
    (3, "江州路段管理处", "江州处", 2),
    (4, "江州市交通运输局", "江州市局", 1),
]
ACCOUNT_ROWS = [(1, "weibo:100", 1), (2, "weibo:200", 2), (3, "weibo:300", 3), (4, "weibo:400", 4)]

CLAIM = [
    "网传沈海高速江州收费站明天起全部封闭，是真的吗？",
    "听说沈海高速江州收费站要封闭，什么时候恢复？",
    "据说江州收费站封闭了，沈海高速还能走吗",
    "求辟谣：沈海高速江州收费站封闭一个月？",
]
OTHER_CLAIM = [
    "网传地铁3号线票价上涨到十元，真的假的",
    "听说地铁3号线票价要上涨了？",
    "据说地铁3号线票价上涨，有人知道吗",
]


def units_frame() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "unit_id": u,
                "name": n,
                "short_name": s,
                "parent_id": p,
                "head": "",
                "deputy": "",
                "editor": "",
            }
            for u, n, s, p in UNIT_ROWS
        ],
        columns=UNITS,
    )


def accounts_frame() -> pd.DataFrame:
    names = {u: n for u, n, _s, _p in UNIT_ROWS}
    return streams.accounts_frame((a, k, u, names[u]) for a, k, u in ACCOUNT_ROWS)


def stream_with_claim(account: int = 3) -> Stream:
    """The claim circulates in comments under a post of ``account`` (江州路段管理处)."""
    stream = Stream()
    pid = stream.post(
        account, "今日沈海高速江州段路况良好，收费站通行正常", NOW - dt.timedelta(hours=30)
    )
    for i, text in enumerate(CLAIM):
        stream.comment(pid, text, NOW - dt.timedelta(hours=20 - i), author=f"u{i}")
    stream.comment(pid, "路况不错，点赞", NOW - dt.timedelta(hours=19), author="u9")
    return stream


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    return load_segmenter()


@pytest.fixture(scope="module")
def cues() -> RumourCues:
    return load_rumour_cues()


def run(
    stream: Stream,
    segmenter: Segmenter,
    cues: RumourCues,
    units: bool = True,
    settings: RumoursSettings | None = None,
    now: dt.datetime = NOW,
    previous: dict[str, list[str]] | None = None,
) -> list[RumourClaim]:
    posts, comments = stream.frames()
    return find_rumours(
        posts,
        comments,
        accounts_frame(),
        now,
        settings,
        units=units_frame() if units else None,
        cues=cues,
        segmenter=segmenter,
        previous=previous,
    )


def test_claim_is_grouped_and_unclarified(segmenter: Segmenter, cues: RumourCues) -> None:
    claims = run(stream_with_claim(), segmenter, cues)
    assert len(claims) == 1
    claim = claims[0]
    assert claim.volume == 4 and claim.authors == 4
    assert {"沈海", "收费站", "封闭"} <= set(claim.key_terms)
    assert claim.unit == "江州路段管理处" and claim.unit_id == 3
    assert claim.accounts == ("weibo:300",)
    assert claim.first_seen == NOW - dt.timedelta(hours=20)
    assert not claim.clarified
    finding = rumour_findings(claims)[0]
    assert finding.rule == "rumour_unclarified"
    assert finding.severity == "critical"
    assert finding.subject_type == "rumour"
    assert finding.unit == "江州路段管理处"
    assert "第二十二、二十三条" in finding.summary  # one citation style (analysis.labels)
    assert finding.data["urgent"] is True
    assert finding.since == claim.first_seen
    assert clarified_claims(claims) == []


def test_two_claims_stay_apart(segmenter: Segmenter, cues: RumourCues) -> None:
    stream = stream_with_claim()
    pid = stream.post(4, "地铁3号线运营时间调整公告", NOW - dt.timedelta(hours=10))
    for i, text in enumerate(OTHER_CLAIM):
        stream.comment(pid, text, NOW - dt.timedelta(hours=9 - i), author=f"m{i}")
    claims = run(stream, segmenter, cues)
    assert len(claims) == 2
    metro = next(c for c in claims if "票价" in c.key_terms)
    assert metro.volume == 3 and metro.unit == "江州市交通运输局"
    assert "票价" not in next(c for c in claims if c is not metro).key_terms


def test_clarification_by_the_unit_resolves(segmenter: Segmenter, cues: RumourCues) -> None:
    stream = stream_with_claim()
    stream.post(
        3, "【辟谣】网传沈海高速江州收费站封闭系谣言，收费站正常通行。", NOW - dt.timedelta(hours=2)
    )
    claims = run(stream, segmenter, cues)
    assert len(claims) == 1 and claims[0].clarified
    assert claims[0].clarification_url == "https://weibo.example/p/2"
    assert claims[0].clarification_at == NOW - dt.timedelta(hours=2)
    assert claims[0].clarification_account == "weibo:300"
    assert rumour_findings(claims) == []
    assert clarified_claims(claims) == claims


def test_clarification_by_the_parent_unit_counts(segmenter: Segmenter, cues: RumourCues) -> None:
    stream = stream_with_claim()
    stream.post(2, "情况说明：沈海高速江州收费站不会封闭，请勿轻信。", NOW - dt.timedelta(hours=1))
    assert run(stream, segmenter, cues)[0].clarified


def test_clarification_by_another_unit_does_not_count(
    segmenter: Segmenter, cues: RumourCues
) -> None:
    stream = stream_with_claim()
    stream.post(4, "辟谣：沈海高速江州收费站封闭的说法不实。", NOW - dt.timedelta(hours=1))
    claims = run(stream, segmenter, cues)
    assert not claims[0].clarified
    assert len(rumour_findings(claims)) == 1


def test_grandparent_counts_only_when_ancestors_allowed(
    segmenter: Segmenter, cues: RumourCues
) -> None:
    stream = stream_with_claim()
    stream.post(1, "澄清：沈海高速江州收费站封闭系不实信息。", NOW - dt.timedelta(hours=1))
    assert not run(stream, segmenter, cues)[0].clarified
    wide = RumoursSettings(include_ancestor_units=True)
    assert run(stream, segmenter, cues, settings=wide)[0].clarified


def test_without_units_only_the_unit_itself_clarifies(
    segmenter: Segmenter, cues: RumourCues
) -> None:
    stream = stream_with_claim()
    stream.post(2, "情况说明：沈海高速江州收费站不会封闭。", NOW - dt.timedelta(hours=1))
    assert not run(stream, segmenter, cues, units=False)[0].clarified


def test_clarification_must_share_the_claims_terms(segmenter: Segmenter, cues: RumourCues) -> None:
    stream = stream_with_claim()
    stream.post(3, "辟谣：网传地铁票价上涨不实。", NOW - dt.timedelta(hours=1))
    assert not run(stream, segmenter, cues)[0].clarified


def test_too_few_mentions_or_authors_is_no_claim(segmenter: Segmenter, cues: RumourCues) -> None:
    stream = Stream()
    pid = stream.post(3, "路况", NOW - dt.timedelta(hours=30))
    for i, text in enumerate(CLAIM):
        stream.comment(pid, text, NOW - dt.timedelta(hours=10 - i), author="same")
    assert run(stream, segmenter, cues) == []
    assert run(stream_with_claim(), segmenter, cues, settings=RumoursSettings(min_volume=5)) == []


def test_old_claims_are_out_of_the_lookback(segmenter: Segmenter, cues: RumourCues) -> None:
    later = NOW + dt.timedelta(days=8)
    assert run(stream_with_claim(), segmenter, cues, now=later) == []


def test_dedup_key_is_stable(segmenter: Segmenter, cues: RumourCues) -> None:
    first = run(stream_with_claim(), segmenter, cues)[0]
    stream = stream_with_claim()
    pid = stream.post(3, "出行提示", NOW + dt.timedelta(hours=1))
    stream.comment(pid, "听说沈海高速江州收费站封闭是真的", NOW + dt.timedelta(hours=2), author="z")
    again = run(stream, segmenter, cues, now=NOW + dt.timedelta(hours=3))[0]
    assert again.volume == first.volume + 1
    assert again.key == first.key
    assert first.key.startswith("rumour_unclarified:3:")
    kept = run(stream, segmenter, cues, previous={"rumour_unclarified:old": list(first.core_terms)})
    assert kept[0].key == "rumour_unclarified:old"


def test_deterministic(segmenter: Segmenter, cues: RumourCues) -> None:
    assert run(stream_with_claim(), segmenter, cues) == run(stream_with_claim(), segmenter, cues)


def test_score_rises_with_doubt_and_alarm(cues: RumourCues) -> None:
    calm = rumour_score("【新闻】今日通车 http://t.cn/x", ["转发微博", "好消息", "点赞"], cues)
    doubted = rumour_score(
        "紧急扩散！！网传明天高速全部封闭", ["真的假的？", "谣言吧", "[蜡烛]太可怕", "求证"], cues
    )
    assert doubted > calm
    assert doubt_share_score("", ["真的吗", "好", "假的", "赞"], cues) == pytest.approx(0.5)
    features = rumour_features("x", [], cues)
    assert features.doubt_share == 0.0 and features.question == 0.0


def test_missing_cue_file_is_reported(tmp_path: Path) -> None:
    settings = RumoursSettings(rumour_cues_path=str(tmp_path / "none.txt"))
    with pytest.raises(FileNotFoundError, match="找不到谣言线索词表文件"):
        load_rumour_cues(settings)


def test_empty_clarification_list_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("# 只有注释\n", encoding="utf-8")
    with pytest.raises(ValueError, match="澄清线索词表为空"):
        load_rumour_cues(RumoursSettings(clarification_cues_path=str(empty)))


def test_empty_frames(segmenter: Segmenter, cues: RumourCues) -> None:
    assert run(Stream(), segmenter, cues) == []


# -- STYLE 18: accounts that could clarify but were not read --------------------------------


def test_an_unread_clarifier_makes_the_claim_unknown_not_unclarified(
    segmenter: Segmenter, cues: RumourCues
) -> None:
    posts, comments = stream_with_claim().frames()
    # weibo:200 belongs to the parent unit, which may clarify; weibo:400 to another branch.
    for blind, unread in (({"weibo:200"}, ("weibo:200",)), ({"weibo:400"}, ())):
        [claim] = find_rumours(
            posts,
            comments,
            accounts_frame(),
            NOW,
            units=units_frame(),
            cues=cues,
            segmenter=segmenter,
            blind=blind,
        )
        assert claim.unread == unread
        assert len(rumour_findings([claim])) == (0 if unread else 1)


def test_a_clarification_seen_is_evidence_even_when_another_account_is_unread(
    segmenter: Segmenter, cues: RumourCues
) -> None:
    stream = stream_with_claim()
    stream.post(3, "情况说明：沈海高速江州收费站不会封闭，请勿轻信。", NOW - dt.timedelta(hours=1))
    posts, comments = stream.frames()
    [claim] = find_rumours(
        posts,
        comments,
        accounts_frame(),
        NOW,
        units=units_frame(),
        cues=cues,
        segmenter=segmenter,
        blind={"weibo:200"},
    )
    assert claim.clarified and claim.unread == ()
    settings = RumoursSettings()
    open_units = {claim.key: 3}
    assert (
        carried_rumour_keys(
            open_units, [claim], accounts_frame(), units_frame(), settings, {"weibo:200"}
        )
        == []
    )


def test_an_open_claim_not_found_again_is_carried_only_when_its_clarifiers_are_unread() -> None:
    settings = RumoursSettings()
    open_units = {"rumour_unclarified:3:a+b": 3, "rumour_unclarified:4:c+d": 4}
    carried = carried_rumour_keys(
        open_units, [], accounts_frame(), units_frame(), settings, {"weibo:300"}
    )
    assert carried == ["rumour_unclarified:3:a+b"]
