"""When only the clock moved: which accounts' results change before the next clock hour, and
recomputing just those.

Two rules change with time alone, account by account: a question waiting for an answer
reaches its warning or overdue deadline or leaves the age limit (``unanswered_question``,
第十六条), and an account's days without a post grow by one (``stale_account``, 第十二条). A
complete run records each such moment before the next clock hour with its account (a
*transition*). A later run in that hour with the same inputs (monitor/pipeline/analyze_state.py)
recomputes those two rules for the accounts whose moments have passed, and nothing else: the
rules over the rolling windows are evaluated once an hour, as the skip already assumes. A
deadline of any other rule's finding is not tied to an account here; it ends the hour early
and the next run is complete.

Without this, a province with tens of thousands of open questions has a deadline passing every
few seconds, and every run would be complete.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
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
    import pandas as pd

    return pd.DataFrame({"at": at.to_numpy(), "id": list(ids)})


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


def encode(items: Iterable[Transition]) -> list[list[Any]]:
    return [[at.isoformat(), kind, ident] for at, kind, ident in items]


def decode(items: Iterable[Sequence[Any]]) -> list[Transition]:
    return [(dt.datetime.fromisoformat(str(at)), kind, int(ident)) for at, kind, ident in items]


def passed(
    items: Iterable[Transition], after: dt.datetime, now: dt.datetime
) -> dict[Kind, set[int]]:
    """What changed in (after, now]: comment ids under "question", account ids under
    "account"; any "all" means: run completely."""
    out: dict[Kind, set[int]] = {}
    for at, kind, ident in items:
        if after < at <= now:
            out.setdefault(kind, set()).add(ident)
    return out


def refresh(
    engine: Engine,
    settings: Settings,
    now: dt.datetime,
    window_from: dt.datetime,
    questions: Collection[int],
    stale_accounts: Collection[int],
) -> tuple[int, Counter[str]]:
    """The clock rules again for these questions (still unanswered: nothing new was
    collected since they were matched) and these accounts' days without a post, stored.
    Returns how many findings are new, in all and by rule."""
    import pandas as pd

    from analysis.compliance.activity_rules import stale_account
    from analysis.compliance.unanswered_questions import ANSWER_COLUMNS, unanswered_questions
    from monitor.calendar import work_calendar
    from monitor.store.closures import close_findings
    from monitor.store.collection_state import load_gaps
    from monitor.store.findings import save_findings
    from monitor.store.frames import load_accounts, load_comments_by_id, load_posts

    calendar = work_calendar(settings)
    sessions = sessionmaker(engine, expire_on_commit=False)
    with sessions() as session:
        accounts = load_accounts(session)
        asked = load_comments_by_id(session, questions)
        involved = sorted(set(stale_accounts) | {int(a) for a in asked["account_id"]})
        posts = load_posts(session, window_from, now, involved)
        blind = frozenset(load_gaps(session, settings.collectors, now))
    answers = asked.assign(
        answered_at=pd.Series(pd.NaT, index=asked.index, dtype="datetime64[ns, UTC]"),
        response_hours=float("nan"),
    )
    silent = accounts[accounts["account_id"].isin(list(stale_accounts))]
    findings = [
        *stale_account(silent, posts, now=now, settings=settings.rules, blind=blind),
        *unanswered_questions(
            answers[ANSWER_COLUMNS],
            posts,
            accounts,
            now=now,
            calendar=calendar,
            settings=settings.questions,
            blind=blind,
        ),
    ]
    new_by_rule: Counter[str] = Counter()
    with sessions.begin() as session:
        for rule in CLOCK_RULES:
            new, _updated = save_findings(session, [f for f in findings if f.rule == rule], now)
            new_by_rule[rule] = new
        close_findings(session, findings, now)
    log.info(
        "analyze: 仅期限到达，重新检查 %d 条网民提问、%d 个账号的更新天数：%d 个发现（%d 个新）",
        len(questions),
        len(stale_accounts),
        len(findings),
        sum(new_by_rule.values()),
    )
    return sum(new_by_rule.values()), new_by_rule
