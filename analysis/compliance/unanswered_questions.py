"""Questions and answers (第十六条): whether the account answered each question, and the
``unanswered_question`` rule with working-day deadlines.

Answered = an official reply in the same thread after the question. A like by the account
(``liked_by_author``) means it was seen, not answered.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from analysis.compliance.subjects import account_refs, clip, py_datetimes
from analysis.compliance.worktime import add_workdays_at, workdays_since, working_hours
from analysis.findings import Evidence, Finding, Severity, make_key
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
]


def _thread(comments: pd.DataFrame) -> pd.Series:
    root = comments["root_platform_id"].fillna("").astype(str)
    own = comments["platform_comment_id"].astype(str)
    return comments["post_id"].astype(str) + "|" + root.where(root != "", own)


def match_answers(
    comments: pd.DataFrame, is_question: pd.Series, calendar: WorkCalendar
) -> pd.DataFrame:
    """One row per question with the first official reply after it in its thread."""
    frame = comments.assign(_thread=_thread(comments))
    questions = frame[is_question.reindex(frame.index, fill_value=False).astype(bool)]
    questions = questions[questions["created_at"].notna()]
    official = frame[frame["is_official"].fillna(False).astype(bool) & frame["created_at"].notna()]
    if questions.empty:
        return pd.DataFrame(columns=ANSWER_COLUMNS)
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
) -> list[Finding]:
    """Questions without an official reply past the warning (or overdue) deadline."""
    if not settings.enabled or answers.empty:
        return []
    now_ts = pd.Timestamp(now)
    open_q = answers[
        answers["answered_at"].isna()
        & (answers["created_at"] >= now_ts - pd.Timedelta(days=settings.max_age_days))
        & (answers["created_at"] <= now_ts)
    ]
    if open_q.empty:
        return []
    warn_at = add_workdays_at(open_q["created_at"], settings.warn_after_workdays, calendar)
    due = (warn_at <= now_ts).to_numpy()
    open_q, warn_at = open_q[due], warn_at[due]
    if open_q.empty:
        return []
    overdue_at = add_workdays_at(open_q["created_at"], settings.overdue_after_workdays, calendar)
    late = (overdue_at <= now_ts).to_numpy()
    waited_days = workdays_since(open_q["created_at"], now, calendar).to_numpy()
    waited_hours = np.nan_to_num(
        working_hours(open_q["created_at"], pd.Series([now_ts] * len(open_q)), calendar)
    ).round(1)
    asked = py_datetimes(open_q["created_at"])
    deadlines = py_datetimes(overdue_at.where(late, warn_at))
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
    for i, row in enumerate(rows):
        ref = refs.get(int(row["account_id"]))
        severity: Severity = "overdue" if late[i] else "warning"
        label = ref.label if ref else f"账号 {row['account_id']}"
        waited = int(waited_days[i])
        seen = "（已点赞，视为已读未回复）" if row["liked_by_author"] else ""
        summary = (
            f"{label} 网民提问已等待 {waited} 个工作日未答复{seen}"
            f"（第十六条要求及时答复）：“{clip(row['text'])}”"
        )
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
                data={
                    "waited_workdays": waited,
                    "waited_working_hours": float(waited_hours[i]),
                    "author": str(row["author_name"]),
                    "liked_by_author": bool(row["liked_by_author"]),
                    "post_id": int(row["post_id"]),
                },
            )
        )
    return findings
