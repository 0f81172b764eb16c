"""All digests of a week built in one run (the week prepared once, sliced per unit) say exactly
what each unit's digest says when it is built alone; and a text is segmented once per run,
whichever scopes read it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import sessionmaker
from testkit.digest_week import NOW, WEEK, at

from alerts.digest_excel import workbook_values
from analysis.digest_tokens import RunFeaturizer
from analysis.segment import Segmenter
from analysis.topics.features import Featurizer, MemoryTokenStore
from monitor.db.models import Comment, Post
from monitor.pipeline.digest import run_digest
from monitor.settings import Settings, settings_from_dict

# One event talked about under both highway units' posts: a hot topic for the system, the top
# unit, 江东高速 and 江东高速南段 alike.
_EVENT = [
    "G60江东段施工封路，绕行太远了",
    "G60江东段封路施工到底要多久",
    "江东段施工封路，G60堵了一上午",
    "G60施工封路，江东段什么时候通车",
    "封路施工影响G60江东段出行",
]


def _settings(tmp_path: Path) -> Settings:
    return settings_from_dict(
        {
            "general": {"data_dir": str(tmp_path / "data")},
            "sentiment": {"enabled": False},
            "topics": {"enabled": True, "min_volume": 3, "min_growth": 1.0, "min_burst_z": 0.0},
            "rumours": {"enabled": True},
            "digest": {"out_dir": str(tmp_path / "digests"), "charts": True},
        }
    )


def _talk(engine: Engine) -> None:
    with sessionmaker(engine).begin() as s:
        posts = {p.platform_post_id: p for p in s.scalars(select(Post))}
        for n in range(20):
            post = posts["p1" if n % 2 else "p4"]
            s.add(
                Comment(
                    post_id=post.id,
                    platform="weibo",
                    platform_comment_id=f"e{n}",
                    author_id=f"w{n}",
                    text=_EVENT[n % len(_EVENT)],
                    created_at=at(25, 8) + dt.timedelta(minutes=17 * n),
                )
            )


def test_all_digests_in_one_run_equal_each_built_alone(seeded: Engine, tmp_path: Path) -> None:
    _talk(seeded)
    settings = _settings(tmp_path)
    together = run_digest(
        seeded, settings, clock=lambda: NOW, week=WEEK, send=False, out_dir=tmp_path / "all"
    )
    scopes = [b.scope for b in together.built]
    assert scopes == ["全系统", "江东省交通运输厅", "江东高速", "江东公路", "江东高速南段"]
    system_md = Path(together.built[0].files["md"]).read_text(encoding="utf-8")
    assert "G60" in system_md.split("三、热点话题")[1].split("四、")[0]  # topics were found
    for built in together.built[1:]:
        alone = run_digest(
            seeded,
            settings,
            clock=lambda: NOW,
            week=WEEK,
            unit=built.scope,
            send=False,
            out_dir=tmp_path / "alone",
        ).built[0]
        for kind in ("md", "html"):
            assert Path(built.files[kind]).read_bytes() == Path(alone.files[kind]).read_bytes(), (
                built.scope,
                kind,
            )
        assert workbook_values(Path(built.files["xlsx"])) == workbook_values(
            Path(alone.files["xlsx"])
        )
        assert built.content_hash == alone.content_hash


class _CountingSegmenter(Segmenter):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def pieces(self, cleaned: str) -> list[str]:
        self.seen.append(cleaned)
        return super().pieces(cleaned)


def test_a_text_is_segmented_once_per_run_for_every_scope() -> None:
    segmenter = _CountingSegmenter()
    # A store smaller than the run's texts, as the shared featurizer's is at province scale.
    base = Featurizer(segmenter, store=MemoryTokenStore(capacity=2))
    run = RunFeaturizer(base)
    system = ["封路施工", "施工封路通知", "服务区开放", "冬季行车安全"]
    unit = system[:3]
    first = run.tokens(system)
    again = run.tokens(unit)
    assert again == first[:3]
    assert again == base.tokens(unit)  # the same tokens as the featurizer gives alone
    assert segmenter.seen.count("封路施工") == 2  # once for the run, once for ``base`` above
    assert sorted(segmenter.seen[: len(system)]) == sorted(system)
