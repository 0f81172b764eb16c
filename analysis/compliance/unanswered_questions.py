"""Questions and answers (第十六条): whether the account answered each question, and the
``unanswered_question`` rule with working-day deadlines.

Answered = an official reply in the same thread after the question, not since deleted. A
like by the account (``liked_by_author``) means it was seen, not answered.

A question is tracked for ``max_age_days``. One still unanswered then is *closed* as
逾期未答复（已过追踪期）, one its author deleted as 网民已删除: the finding carries
``data["closed_as"]`` (a key of :data:`analysis.labels.CLOSURE_LABELS`) and is stored closed,
never resolved — neither was answered, and neither is announced as 已解决.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import pandas as pd

from analysis.compliance.subjects import account_refs, clip, py_datetimes
from analysis.compliance.worktime import add_workdays_at, workdays_between, working_hours
from analysis.findings import Evidence, Finding, Severity, make_key
from analysis.labels import CLOSURE_LABELS
from analysis.rule_settings import QuestionsSettings
from analysis.workdays import WorkCalendar

RULE = "unanswered_question"
ARTICLE = "第十六条"

ANSWER_COLUMNS = [
    "comment_id",
    "post_id",
    "account_id",
    "platform",
    "platform_comment_id",
    "author_name",
    "text",
    "created_at",
    "liked_by_author",
    "answered_at",
    "response_hours",  # working hours from question to first official reply (NaN: unanswered)
    "deleted_at",  # when a full re-read no longer found the question (NaT: still there)
]


def _deleted_at(comments: pd.DataFrame) -> pd.Series:
    if "deleted_at" in comments.columns:
        return pd.to_datetime(comments["deleted_at"], utc=True)
    return pd.Series(pd.NaT, index=comments.index, dtype="datetime64[ns, UTC]")


def _thread(comments: pd.DataFrame) -> pd.Series:
    root = comments["root_platform_id"].fillna("").astype(str)
    own = comments["platform_comment_id"].astype(str)
    return comments["post_id"].astype(str) + "|" + root.where(root != "", own)


def first_answers(comments: pd.DataFrame, is_question: pd.Series) -> pd.DataFrame:
    """Each question with ``answered_at``: the first official reply after it in its thread
    that has not been deleted (a deleted reply answers nothing)."""
    frame = comments.assign(_thread=_thread(comments), deleted_at=_deleted_at(comments))
    questions = frame[is_question.reindex(frame.index, fill_value=False).astype(bool)]
    questions = questions[questions["created_at"].notna()]
    official = frame[
        frame["is_official"].fillna(False).astype(bool)
        & frame["created_at"].notna()
        & frame["deleted_at"].isna()
    ]
    if questions.empty:
        return pd.DataFrame(columns=[*ANSWER_COLUMNS, "_thread"])
    left = questions.sort_values("created_at")
    right = (
        official[["_thread", "created_at"]]
        .rename(columns={"created_at": "answered_at"})
        .assign(_at=lambda f: f["answered_at"])
        .sort_values("_at")
    )
    merged = pd.merge_asof(
        left.assign(_at=left["created_at"]),
        right,
        on="_at",
        by="_thread",
        direction="forward",
        allow_exact_matches=False,
    )
    return merged


def open_questions(comments: pd.DataFrame, is_question: pd.Series) -> pd.DataFrame:
    """Questions with no official reply yet that are still there (not deleted)."""
    merged = first_answers(comments, is_question)
    return merged[merged["answered_at"].isna() & merged["deleted_at"].isna()]


def match_answers(
    comments: pd.DataFrame, is_question: pd.Series, calendar: WorkCalendar
) -> pd.DataFrame:
    """One row per question with the first official reply after it in its thread."""
    merged = first_answers(comments, is_question)
    if merged.empty:
        return pd.DataFrame(columns=ANSWER_COLUMNS)
    merged["response_hours"] = working_hours(merged["created_at"], merged["answered_at"], calendar)
    merged["liked_by_author"] = merged["liked_by_author"].fillna(False).astype(bool)
    return merged[ANSWER_COLUMNS].reset_index(drop=True)


def unanswered_questions(
    answers: pd.DataFrame,
    posts: pd.DataFrame,
    accounts: pd.DataFrame,
    *,
    now: dt.datetime,
    calendar: WorkCalendar,
    settings: QuestionsSettings,
    blind: Collection[str] = frozenset(),
    moments: pd.Series | None = None,
) -> list[Finding]:
    """Questions without an official reply past the warning (or overdue) deadline, and those
    closed unanswered: aged past ``max_age_days``, or deleted by their author once due.

    Questions under accounts in ``blind`` (keys of
    :func:`analysis.collection_gaps.collection_gaps`) are skipped: an answer given while govmon
    could not read the account would not have been seen.

    ``moments`` (aligned with ``answers``' index) judges each row at its own time instead of
    ``now``: the findings a question will have when its deadline passes later in the hour
    (monitor/pipeline/analyze_clock.py)."""
    if not settings.enabled or answers.empty:
        return []
    at = pd.Series(pd.Timestamp(now), index=answers.index) if moments is None else moments
    if blind:
        keys = accounts.set_index("account_id")["account_key"]
        visible = ~answers["account_id"].map(keys).isin(list(blind))
        answers, at = answers[visible], at[visible]
    waiting = answers["answered_at"].isna() & (answers["created_at"] <= at)
    unanswered, now_ts = answers[waiting], at[waiting]
    deleted_at = _deleted_at(unanswered)
    expires_at = unanswered["created_at"] + pd.Timedelta(days=settings.max_age_days)
    # The question's clock stops when it closes: deletion or the end of tracking.
    closed_at = deleted_at.where(deleted_at < expires_at, expires_at)
    closed_as = pd.Series("", index=unanswered.index, dtype=object)
    closed_as[expires_at <= now_ts] = "expired"
    closed_as[deleted_at.notna() & (deleted_at < expires_at)] = "deleted"
    until = closed_at.where(closed_as != "", now_ts)
    warn_at = add_workdays_at(unanswered["created_at"], settings.warn_after_workdays, calendar)
    due = (warn_at <= until).to_numpy()
    open_q, warn_at, until, closed_as = unanswered[due], warn_at[due], until[due], closed_as[due]
    if open_q.empty:
        return []
    overdue_at = add_workdays_at(open_q["created_at"], settings.overdue_after_workdays, calendar)
    late = (overdue_at <= until).to_numpy()
    waited_days = workdays_between(open_q["created_at"], until, calendar)
    asked = py_datetimes(open_q["created_at"])
    deadlines = py_datetimes(overdue_at.where(late, warn_at))
    ends = py_datetimes(until)
    urls = posts.set_index("post_id")["url"].to_dict() if not posts.empty else {}
    refs = account_refs(accounts)
    findings: list[Finding] = []
    # Plain lists, not per-row pandas access: there may be tens of thousands of questions.
    columns = ["account_id", "platform", "platform_comment_id", "text", "author_name"]
    columns += ["liked_by_author", "post_id"]
    rows = [
        dict(zip(columns, values, strict=True))
        for values in zip(*(open_q[c].tolist() for c in columns), strict=True)
    ]
    kinds = closed_as.tolist()
    for i, row in enumerate(rows):
        ref = refs.get(int(row["account_id"]))
        kind = str(kinds[i])
        severity: Severity = "overdue" if late[i] or kind == "expired" else "warning"
        label = ref.label if ref else f"账号 {row['account_id']}"
        waited = int(waited_days[i])
        seen = "（已点赞，视为已读未回复）" if row["liked_by_author"] else ""
        quoted = f"“{clip(row['text'])}”"
        if kind == "expired":
            summary = (
                f"{label} 网民提问{CLOSURE_LABELS['expired']}：提问后 {settings.max_age_days} 天"
                f"仍未答复{seen}，不再跟踪（第十六条要求及时答复）：{quoted}"
            )
        elif kind == "deleted":
            summary = (
                f"{label} 网民提问等待 {waited} 个工作日未答复后被删除"
                f"（{CLOSURE_LABELS['deleted']}，不再跟踪；第十六条）：{quoted}"
            )
        else:
            summary = (
                f"{label} 网民提问已等待 {waited} 个工作日未答复{seen}"
                f"（第十六条要求及时答复）：{quoted}"
            )
        # Nothing that grows with the clock (hours waited): the finding would change, and be
        # stored again, on every run; the days waited change once a day, like the summary.
        data: dict[str, object] = {
            "waited_workdays": waited,
            "author": str(row["author_name"]),
            "liked_by_author": bool(row["liked_by_author"]),
            "post_id": int(row["post_id"]),
        }
        if kind:
            data |= {"closed_as": kind, "closure": CLOSURE_LABELS[kind], "closed_at": ends[i]}
        findings.append(
            Finding(
                rule=RULE,
                article=ARTICLE,
                subject_type="comment",
                subject_key=f"{row['platform']}:{row['platform_comment_id']}",
                dedup_key=make_key(RULE, row["platform"], row["platform_comment_id"]),
                severity=severity,
                summary=summary,
                unit=ref.unit if ref else None,
                account=ref.key if ref else None,
                since=asked[i],
                deadline=deadlines[i],
                evidence=(
                    Evidence(
                        text=str(row["text"]), url=str(urls.get(row["post_id"], "")), at=asked[i]
                    ),
                ),
                data=data,
            )
        )
    return findings
