"""Benchmark of the weekly digest over the analysis benchmark's synthetic week (300 accounts,
6,000 posts, 200,000 comments): every digest (the system's and each unit's) built, charted
and rendered to HTML, Markdown and Excel.

Prints the time of the preparation (question flags and answers, rumours), of building all
digests, the baseline measured in the same run (the analysis engine's own pass over the same
week, as `govmon analyze` runs it) and the peak memory.

    python benchmarks/digest.py [--accounts 300] [--posts 6000] [--comments 200000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from week import NOW, synthetic_week, units_frame

from alerts.charts import digest_charts
from alerts.digest_excel import write_workbook
from alerts.digest_render import render_digest
from analysis.activity import Period
from analysis.compliance.engine import run_analysis
from analysis.compliance.text_flags import TextScorer
from analysis.compliance.unanswered_questions import match_answers
from analysis.digest import build_digests
from analysis.digest_inputs import DigestFinding, DigestInputs
from analysis.rule_settings import QuestionsSettings, RankingSettings, RulesSettings
from analysis.rumours import find_rumours
from analysis.topics.features import load_featurizer
from analysis.topics.settings import RumoursSettings, TopicsSettings
from analysis.topics.weekly import weekly_settings, weekly_topics
from analysis.workdays import WorkCalendar


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

    began = time.perf_counter()
    result = run_analysis(
        frames["accounts"],
        frames["posts"],
        frames["comments"],
        frames["snapshots"],
        now=NOW,
        calendar=calendar,
        period=period,
        rules=RulesSettings(),
        questions=QuestionsSettings(),
        ranking=RankingSettings(),
    )
    baseline = time.perf_counter() - began

    began = time.perf_counter()
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
    featurizer = load_featurizer()
    topic_settings = weekly_settings(TopicsSettings(), 7)
    inputs = DigestInputs(
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
        topic_finder=lambda p, c, a: weekly_topics(p, c, a, period, topic_settings, featurizer),
    )
    prepare = time.perf_counter() - began

    began = time.perf_counter()
    data_time = render_time = 0.0
    count = 0
    with tempfile.TemporaryDirectory() as tmp:
        step = time.perf_counter()
        for data in build_digests(inputs):
            data_time += time.perf_counter() - step
            step = time.perf_counter()
            charts = digest_charts(data.daily, data.ranking, data.questions)
            rendered = render_digest(data, charts)
            folder = Path(tmp) / str(count)
            folder.mkdir()
            (folder / "digest.html").write_text(rendered.html, encoding="utf-8")
            (folder / "digest.md").write_text(rendered.markdown, encoding="utf-8")
            write_workbook(data, folder / "digest.xlsx")
            render_time += time.perf_counter() - step
            count += 1
            step = time.perf_counter()
    total = time.perf_counter() - began
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"baseline (run_analysis over the same week, as govmon analyze): {baseline:.2f} s")
    print(
        f"preparation (question flags, answers, rumours): {prepare:.2f} s "
        f"= {prepare / baseline:.2f} × baseline"
    )
    print(
        f"all {count} digests (system + every unit): {total:.2f} s "
        f"= {total / baseline:.2f} × baseline; data {data_time:.2f} s, "
        f"charts + HTML + Markdown + Excel {render_time:.2f} s"
    )
    print(f"per digest: {total / max(count, 1) * 1000:.0f} ms")
    print(f"peak memory (max RSS of this process): {peak_mib:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
