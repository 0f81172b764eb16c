"""Benchmark of the weekly digest over the analysis benchmark's synthetic week (300 accounts,
6,000 posts, 200,000 comments): every digest (the system's and each unit's) built, charted
and rendered to HTML, Markdown and Excel, from one preparation of the week.

The baseline is measured in the same run, over the same prepared week: all digests built with
each scope's hot topics segmenting its texts through the featurizer's own bounded store and
counting their features itself (as every run did before the run kept its texts' tokens and
feature counts, analysis.digest_tokens and analysis.digest_vectors), then all digests as
`govmon digest` now builds them; each pass draws its own charts. Both passes share everything else (the same jieba
dictionary already loaded, the same charts and writers), so the ratio isolates what changed
and, if anything, favours the old way. CPU time of each pass (the machine may be shared), the
README's former figure for reference (40.0 s, measured on the scale benchmark's stored week,
with loading) and the peak memory of the process.

    python benchmarks/digest.py [--accounts 300] [--posts 6000] [--comments 200000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from week import NOW, synthetic_week, units_frame

from alerts.charts import _chart_png, digest_charts
from alerts.digest_excel import write_workbook
from alerts.digest_render import render_digest
from analysis.activity import Period
from analysis.compliance.engine import run_analysis
from analysis.compliance.text_flags import TextScorer
from analysis.compliance.unanswered_questions import match_answers
from analysis.digest import build_digests
from analysis.digest_inputs import DigestFinding, DigestInputs
from analysis.digest_tokens import RunFeaturizer
from analysis.digest_vectors import RunVectors
from analysis.rule_settings import QuestionsSettings, RankingSettings, RulesSettings
from analysis.rumours import find_rumours
from analysis.topics.features import (
    Featurizer,
    MemoryTokenStore,
    load_featurizer,
)
from analysis.topics.settings import RumoursSettings, TopicsSettings
from analysis.topics.weekly import weekly_settings, weekly_topics
from analysis.workdays import WorkCalendar

README_BEFORE_CPU = 40.0


@dataclass
class Pass:
    cpu: float
    count: int
    data: float
    render: float
    markdown: list[str]

    def describe(self) -> str:
        return (
            f"{self.count} digests in {self.cpu:.1f} s CPU (data and topics {self.data:.1f} s, "
            f"charts + HTML + Markdown + Excel {self.render:.1f} s)"
        )


def all_digests(inputs: DigestInputs) -> Pass:
    """Every digest of ``inputs`` built, charted, rendered and written; CPU time of it all."""
    _chart_png.cache_clear()  # each pass draws its charts itself
    began = time.process_time()
    data_time = render_time = 0.0
    markdown: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        step = time.process_time()
        for data in build_digests(inputs):
            data_time += time.process_time() - step
            step = time.process_time()
            charts = digest_charts(data.daily, data.ranking, data.questions)
            rendered = render_digest(data, charts)
            folder = Path(tmp) / str(len(markdown))
            folder.mkdir()
            (folder / "digest.html").write_text(rendered.html, encoding="utf-8")
            (folder / "digest.md").write_text(rendered.markdown, encoding="utf-8")
            write_workbook(data, folder / "digest.xlsx")
            markdown.append(rendered.markdown)
            render_time += time.process_time() - step
            step = time.process_time()
    return Pass(time.process_time() - began, len(markdown), data_time, render_time, markdown)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=300)
    parser.add_argument("--posts", type=int, default=6000)
    parser.add_argument("--comments", type=int, default=200_000)
    args = parser.parse_args(argv)

    frames = synthetic_week(args.accounts, args.posts, args.comments)
    rng = np.random.default_rng(3)
    for name in ("posts", "comments"):  # stands in for the cached sentiment scores
        frames[name]["sentiment"] = rng.random(len(frames[name]))
    units = units_frame(frames["accounts"])
    calendar = WorkCalendar()
    # The digest's week: the 7 days up to the generator's NOW, as an ISO-week-like period.
    period = Period.last_days(NOW, 7)
    previous = Period(period.start - dt.timedelta(days=7), period.start)
    print(
        f"synthetic week: {args.accounts} accounts, {len(frames['posts'])} posts, "
        f"{len(frames['comments'])} comments, {len(units)} units"
    )

    result = run_analysis(
        frames["accounts"],
        frames["posts"],
        frames["comments"],
        now=NOW,
        calendar=calendar,
        rules=RulesSettings(),
        questions=QuestionsSettings(),
    )

    began = time.process_time()
    scorer = TextScorer.from_settings()
    scored, _ = scorer.score_comments(frames["comments"], {}, None)
    answers = match_answers(scored, scored["is_question"], calendar)
    rumours = find_rumours(
        frames["posts"], frames["comments"], frames["accounts"], NOW, RumoursSettings(), units=units
    )
    unit_of = dict(
        zip(frames["accounts"]["account_key"], frames["accounts"]["unit_id"], strict=True)
    )
    findings = [
        DigestFinding.from_finding(f, period.start, unit_of.get(f.account or ""))
        for f in result.findings
    ]
    shared = load_featurizer()
    topic_settings = weekly_settings(TopicsSettings(), 7)

    def inputs_with(featurizer: Featurizer, vectors: RunVectors | None = None) -> DigestInputs:
        return DigestInputs(
            week="bench",
            period=period,
            previous=previous,
            units=units,
            accounts=frames["accounts"],
            posts=frames["posts"],
            comments=frames["comments"],
            snapshots=frames["snapshots"],
            answers=answers,
            findings=findings,
            calendar=calendar,
            ranking=RankingSettings(),
            rumours=rumours,
            topic_finder=lambda p, c, a: weekly_topics(
                p, c, a, period, topic_settings, featurizer, vectors
            ),
        )

    def bounded() -> Featurizer:  # a fresh store of the default size, as load_featurizer's
        return Featurizer(shared.segmenter, shared.stopwords, MemoryTokenStore())

    prepare = time.process_time() - began
    before = all_digests(inputs_with(bounded()))
    now = all_digests(inputs_with(RunFeaturizer(bounded()), RunVectors()))
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if before.markdown != now.markdown:
        print("the digests differ between the two passes", file=sys.stderr)
        return 1

    print(f"preparation (question flags, answers, rumours): {prepare:.1f} s CPU")
    print(f"baseline, tokens per scope: {before.describe()}")
    print(f"now, tokens and feature counts once per run: {now.describe()}")
    print(f"ratio: {now.cpu / before.cpu:.2f}× baseline (target ≤ 0.3×)")
    print(
        f"reference: the README's former figure for `govmon digest` on the scale week, "
        f"{README_BEFORE_CPU} s CPU (with loading; not the same data)"
    )
    print(f"peak memory (max RSS of this process, both passes): {peak_mib:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
