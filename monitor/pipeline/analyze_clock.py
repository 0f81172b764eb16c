"""When only the clock moved: which questions' and accounts' findings change before the next
clock hour, worked out ahead, and storing just those.

Two rules change with time alone, account by account: a question waiting for an answer
reaches its warning or overdue deadline or leaves the age limit (``unanswered_question``,
第十六条), and an account's days without a post grow by one (``stale_account``, 第十二条). A
complete run records each such moment before the next clock hour with its question or account
(a *transition*), together with what those two rules will find for it at that moment. A later
run in that hour with the same inputs (monitor/pipeline/analyze_state.py) stores the findings of
the moments that have passed, and nothing else: the rules over the rolling windows are
evaluated once an hour, as the skip already assumes. Within the hour a question's or an
account's finding changes only at its moments (a question's working days waited change at
Shanghai midnight, an hour boundary; an account's days without a post are its moments), so the
finding at the moment is the finding at the later run. Only whether
govmon can still see the account is judged again then (STYLE 18: an account that became blind
meanwhile is skipped, as the rules skip it). Such a run reads no frames and imports no pandas:
at province scale it is mostly the program's start. A deadline of any other rule's finding is
not tied to an account here; it ends the hour early and the next run is complete.

Without this, a province with tens of thousands of open questions has a deadline passing every
few seconds, and every run would be complete.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from monitor.settings import Settings

if TYPE_CHECKING:
    import pandas as pd

    from analysis.findings import Finding
    from analysis.rule_settings import QuestionsSettings, RulesSettings
    from analysis.workdays import WorkCalendar

log = logging.getLogger(__name__)

CLOCK_RULES = ("stale_account", "unanswered_question")
# What changes at a moment: a question ("question", comment id), an account's days without a
# post ("account", account id), or anything ("all", 0): a complete run.
Kind = Literal["question", "account", "all"]
Transition = tuple[dt.datetime, Kind, int]
# What the clock rules find for a question or an account at a transition's moment.
Ahead = dict[Transition, list["Finding"]]


def question_moments(
    answers: pd.DataFrame, calendar: WorkCalendar, settings: QuestionsSettings
) -> pd.DataFrame:
    """Each unanswered question's warning and overdue deadlines and the end of its tracking
    (columns ``at``, ``id``: the comment)."""
    import pandas as pd

    from analysis.compliance.worktime import add_workdays_at

    if answers.empty:
        return _moments(pd.Series(dtype="datetime64[ns, UTC]"), [])
    waiting = answers[answers["answered_at"].isna() & answers["created_at"].notna()]
    created = waiting["created_at"]
    moments = [
        add_workdays_at(created, settings.warn_after_workdays, calendar),
        add_workdays_at(created, settings.overdue_after_workdays, calendar),
        created + pd.Timedelta(days=settings.max_age_days),
    ]
    return pd.concat([_moments(m, waiting["comment_id"]) for m in moments], ignore_index=True)


def _moments(at: pd.Series, ids: Iterable[int]) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    # ``.array`` keeps the times as one datetime column: ``to_numpy()`` would make a
    # Timestamp object of each (~50k questions × 3 moments: most of this step's time).
    return pd.DataFrame({"at": at.array, "id": np.fromiter(ids, dtype=np.int64)})


def stale_moments(
    accounts: pd.DataFrame, posts: pd.DataFrame, now: dt.datetime, settings: RulesSettings
) -> pd.DataFrame:
    """When each account's days without a post next grow by one, for the accounts that are
    (or by then would be) stale (columns ``at``, ``id``: the account)."""
    import pandas as pd

    if posts.empty:
        return _moments(pd.Series(dtype="datetime64[ns, UTC]"), [])
    last = posts[posts["published_at"].notna()].groupby("account_id")["published_at"].max()
    days = ((pd.Timestamp(now) - last).dt.total_seconds() // 86400).astype(int)
    near = days + 1 >= settings.stale_warn_days
    upcoming = last[near] + pd.to_timedelta(days[near] + 1, unit="D")
    return _moments(upcoming, upcoming.index)


def transitions(
    questions: pd.DataFrame | None,
    stale: pd.DataFrame | None,
    findings: Sequence[Finding],
    accounts: pd.DataFrame,
    now: dt.datetime,
    until: dt.datetime,
) -> list[Transition]:
    """The moments in (now, until), sorted: per question and per account for the clock
    rules, "all" for the deadline of any other finding."""
    import pandas as pd

    lo, hi = pd.Timestamp(now), pd.Timestamp(until)
    out: set[Transition] = set()
    kinds: tuple[tuple[Kind, pd.DataFrame | None], ...] = (
        ("question", questions),
        ("account", stale),
    )
    for kind, frame in kinds:
        if frame is None:
            continue
        inside = frame[(frame["at"] > lo) & (frame["at"] < hi)]
        for at, ident in zip(inside["at"], inside["id"], strict=True):
            out.add((at.to_pydatetime(), kind, int(ident)))
    ids = dict(zip(accounts["account_key"], accounts["account_id"], strict=False))
    for finding in findings:
        if finding.deadline is None or not (now < finding.deadline < until):
            continue
        if finding.rule == "unanswered_question":
            continue  # its deadline is one of the question's moments
        account = ids.get(finding.account) if finding.rule == "stale_account" else None
        if account is None:
            out.add((finding.deadline, "all", 0))
        else:
            out.add((finding.deadline, "account", int(account)))
    return sorted(out)


def findings_ahead(
    moved: Sequence[Transition],
    answers: pd.DataFrame,
    accounts: pd.DataFrame,
    posts: pd.DataFrame,
    *,
    now: dt.datetime,
    calendar: WorkCalendar,
    settings: Settings,
) -> Ahead:
    """What ``unanswered_question`` and ``stale_account`` find for each question and account
    transition in ``moved``, judged at its moment with nothing new collected (and every
    account seen: blindness is judged when the moment has passed, :func:`due_findings`)."""
    import pandas as pd

    from analysis.compliance.activity_rules import stale_account
    from analysis.compliance.unanswered_questions import (
        ANSWER_COLUMNS,
        RULE,
        unanswered_questions,
    )
    from analysis.findings import make_key

    ahead: Ahead = {t: [] for t in moved if t[1] != "all"}
    asked = [t for t in moved if t[1] == "question"]
    if asked:
        by_id = answers.set_index("comment_id", drop=False)
        rows = by_id.loc[[ident for _at, _kind, ident in asked], ANSWER_COLUMNS]
        rows = rows.reset_index(drop=True)
        times = pd.Series([at for at, _kind, _ident in asked], index=rows.index)
        keys = [
            make_key(RULE, p, c)
            for p, c in zip(rows["platform"], rows["platform_comment_id"], strict=True)
        ]
        # One call per round, so that a question with two moments in the hour (rare) has one
        # row in each and its findings are told apart by key.
        rounds = rows.groupby("comment_id").cumcount()
        for step in sorted(set(rounds)):
            chosen = (rounds == step).to_numpy()
            found = unanswered_questions(
                rows[chosen],
                posts,
                accounts,
                now=now,
                calendar=calendar,
                settings=settings.questions,
                moments=times[chosen],
            )
            by_key = {f.dedup_key: f for f in found}
            for index in rows.index[chosen]:
                finding = by_key.get(keys[index])
                if finding is not None:
                    ahead[asked[index]].append(finding)
    for at, kind, ident in moved:
        if kind == "account":
            ahead[(at, kind, ident)] = stale_account(
                accounts[accounts["account_id"] == ident],
                posts[posts["account_id"] == ident],
                now=at,
                settings=settings.rules,
            )
    return ahead


def encode(items: Iterable[Transition], ahead: Ahead) -> list[list[Any]]:
    """The transitions as stored, each with what it will find (:func:`findings_ahead`)."""
    from analysis.findings import finding_to_json

    return [
        [
            at.isoformat(),
            kind,
            ident,
            [finding_to_json(f) for f in ahead.get((at, kind, ident), [])],
        ]
        for at, kind, ident in items
    ]


def decode(items: Iterable[Sequence[Any]]) -> list[tuple[Transition, list[dict[str, Any]]]]:
    """Stored transitions with their findings (as JSON). One stored by an earlier version,
    without findings, is a moment to run completely."""
    out: list[tuple[Transition, list[dict[str, Any]]]] = []
    for item in items:
        at = dt.datetime.fromisoformat(str(item[0]))
        if len(item) < 4:
            out.append(((at, "all", 0), []))
        else:
            out.append(((at, item[1], int(item[2])), list(item[3])))
    return out


def passed(
    items: Iterable[tuple[Transition, list[dict[str, Any]]]],
    after: dt.datetime,
    now: dt.datetime,
) -> dict[tuple[Kind, int], list[dict[str, Any]]]:
    """What changed in (after, now]: for each question ("question", comment id) and account
    ("account", account id) the findings of its latest moment passed; any ("all", 0) means:
    run completely."""
    out: dict[tuple[Kind, int], list[dict[str, Any]]] = {}
    for (at, kind, ident), found in sorted(items, key=lambda item: item[0][0]):
        if after < at <= now:
            out[(kind, ident)] = found
    return out


def due_counts(due: dict[tuple[Kind, int], list[dict[str, Any]]]) -> tuple[int, int]:
    """How many questions and how many accounts the passed moments concern."""
    questions = sum(1 for kind, _ident in due if kind == "question")
    return questions, len(due) - questions


def due_findings(
    engine: Engine,
    settings: Settings,
    now: dt.datetime,
    due: dict[tuple[Kind, int], list[dict[str, Any]]],
) -> tuple[int, Counter[str]]:
    """The clock rules' findings of the moments passed, stored, but for accounts govmon
    cannot see now (STYLE 18: the rules skip those). Returns how many findings are new, in
    all and by rule."""
    from analysis.findings import finding_from_json
    from monitor.store.closures import close_findings
    from monitor.store.collection_state import load_gaps
    from monitor.store.findings import save_findings

    sessions = sessionmaker(engine, expire_on_commit=False)
    with sessions() as session:
        blind = frozenset(load_gaps(session, settings.collectors, now))
    findings = [
        finding
        for found in due.values()
        for finding in map(finding_from_json, found)
        if finding.account not in blind
    ]
    new_by_rule: Counter[str] = Counter()
    with sessions.begin() as session:
        for rule in CLOCK_RULES:
            new, _updated = save_findings(session, [f for f in findings if f.rule == rule], now)
            new_by_rule[rule] = new
        close_findings(session, findings, now)
    questions, accounts = due_counts(due)
    log.info(
        "analyze: 仅期限到达，重新检查 %d 条网民提问、%d 个账号的更新天数：%d 个发现（%d 个新）",
        questions,
        accounts,
        len(findings),
        sum(new_by_rule.values()),
    )
    return sum(new_by_rule.values()), new_by_rule
