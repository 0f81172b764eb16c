"""The weekly 舆情 digest's data (第二十二、二十六条): one :class:`DigestData` for the whole
system and one per unit, a unit's covering its subtree.

Activity and the ranking are computed once for the system (a unit's accounts keep their place
in the system's ranking, 第二十六条); everything else is computed or filtered per scope, so a
unit's digest holds only its own accounts, texts and findings.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pandas as pd

from analysis.activity import Period, account_activity
from analysis.digest_inputs import DigestFinding, DigestInputs
from analysis.digest_model import (
    SYSTEM_SCOPE,
    DigestData,
    IncompleteRow,
    ListRow,
    QuestionRow,
    RankRow,
    RumourRow,
    TopicRow,
    UnitActions,
)
from analysis.digest_sections import (
    actions_for,
    finding_groups,
    negative_threads,
    overview,
    ranking_rows,
    rumour_rows,
    topic_rows,
)
from analysis.digest_week import WeekDays, daily_rows, question_table, scope_questions, week_days
from analysis.item_state import content_closings
from analysis.ranking import HonourLists, ListEntry, honour_lists, rank_accounts
from analysis.topics import HotTopic

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def parse_week(text: str) -> tuple[int, int]:
    """``2026-W48`` → (2026, 48); a clear Chinese error otherwise."""
    match = _WEEK.match(text.strip())
    if not match:
        raise ValueError(f"周次 {text!r} 格式不对，应为 ISO 周次，例如 2026-W48")
    year, week = int(match.group(1)), int(match.group(2))
    try:
        Period.iso_week(year, week)
    except ValueError:
        raise ValueError(f"{year} 年没有第 {week} 周（ISO 周次）") from None
    return year, week


def week_label(year: int, week: int) -> str:
    return f"{year}-W{week:02d}"


def subtree(units: pd.DataFrame, unit_id: int) -> set[int]:
    """The unit and every unit below it (cycle-safe)."""
    children: dict[int, list[int]] = {}
    for uid, parent in zip(units["unit_id"], units["parent_id"], strict=True):
        if parent is not None and not pd.isna(parent):
            children.setdefault(int(parent), []).append(int(uid))
    found: set[int] = set()
    stack = [unit_id]
    while stack:
        current = stack.pop()
        if current in found:
            continue
        found.add(current)
        stack.extend(children.get(current, []))
    return found


@dataclass
class _Prepared:
    activity: pd.DataFrame
    previous_activity: pd.DataFrame
    ranking: pd.DataFrame | None
    previous_ranking: pd.DataFrame | None
    lists: HonourLists | None
    # Each text's day and each account's questions, which every scope reads (of its rows).
    days: WeekDays
    questions: dict[int, QuestionRow]
    # Scopes with the same accounts (a top unit and the system) share their hot topics.
    topics: dict[frozenset[int], list[HotTopic]] = field(default_factory=dict)


def _findings_of(inputs: DigestInputs, period: Period) -> list[DigestFinding]:
    """The findings open at the period's end: the ranking's penalty and the 通报 lists read
    the same state as 七、合规问题 and 本周待办."""
    return [f for f in inputs.findings if f.open_at(period.end)]


def with_content_closings(inputs: DigestInputs) -> DigestInputs:
    """The stored findings with the closings the week's content shows (a clarification, a
    reply), so that every section reads one state per item (analysis.item_state)."""
    clarified = [(c.key, c.clarification_at) for c in inputs.rumours or () if c.clarified]
    closings = content_closings(clarified, inputs.answers)
    return dataclasses.replace(
        inputs, findings=[f.with_closings(closings) for f in inputs.findings]
    )


def _prepare(inputs: DigestInputs) -> _Prepared:
    def activity_of(period: Period) -> pd.DataFrame:
        return account_activity(
            inputs.accounts,
            inputs.posts,
            inputs.comments,
            inputs.snapshots,
            inputs.answers,
            period=period,
            now=period.end,
        )

    week, before = activity_of(inputs.period), activity_of(inputs.previous)
    days = week_days(inputs.posts, inputs.comments, inputs.period)
    questions = question_table(
        inputs.accounts, inputs.answers, inputs.period, inputs.calendar, inputs.overdue_workdays
    )
    if not inputs.ranking.enabled:
        return _Prepared(week, before, None, None, None, days, questions)
    findings = [f.as_finding() for f in _findings_of(inputs, inputs.period)]
    # Unread accounts have no place either week, so a move says how an account did against
    # the same others (STYLE 18).
    unread = list(inputs.gaps)
    ranking = rank_accounts(week, findings, inputs.ranking, unread)
    previous_findings = [f.as_finding() for f in _findings_of(inputs, inputs.previous)]
    previous_ranking = rank_accounts(before, previous_findings, inputs.ranking, unread)
    lists = honour_lists(ranking, findings, inputs.ranking)
    return _Prepared(week, before, ranking, previous_ranking, lists, days, questions)


def _list_rows(entries: tuple[ListEntry, ...], keys: set[str]) -> tuple[ListRow, ...]:
    return tuple(
        ListRow(e.name, e.unit, e.rank, e.score, e.reasons)
        for e in entries
        if e.account_key in keys
    )


def _unit_row(units: pd.DataFrame, unit_id: int | None) -> dict[str, str]:
    if unit_id is None:
        return {}
    rows = units[units["unit_id"] == unit_id]
    if rows.empty:
        return {}
    row = rows.iloc[0]
    return {k: str(row[k] or "") for k in ("name", "head", "editor")}


def _build(inputs: DigestInputs, prepared: _Prepared, unit_id: int | None) -> DigestData:
    limits = inputs.limits
    if unit_id is None:
        unit_ids = set(int(u) for u in inputs.units["unit_id"]) | set(
            int(u) for u in inputs.accounts["unit_id"].dropna()
        )
        scope = SYSTEM_SCOPE
    else:
        unit_ids = subtree(inputs.units, unit_id)
        scope = _unit_row(inputs.units, unit_id).get("name", str(unit_id))
    accounts = inputs.accounts[inputs.accounts["unit_id"].isin(unit_ids)]
    ids = set(accounts["account_id"])
    keys = set(accounts["account_key"])
    names = dict(zip(accounts["account_key"], accounts["name"], strict=True))
    in_posts = inputs.posts["account_id"].isin(ids).to_numpy(dtype=bool)
    in_comments = inputs.comments["account_id"].isin(ids).to_numpy(dtype=bool)
    posts = inputs.posts[in_posts]
    comments = inputs.comments[in_comments]
    activity = prepared.activity[prepared.activity["account_id"].isin(ids)]
    before = prepared.previous_activity[prepared.previous_activity["account_id"].isin(ids)]
    findings = [
        f
        for f in inputs.findings
        if (f.unit_id in unit_ids if f.unit_id is not None else f.account in keys)
    ]
    units_in = inputs.units[inputs.units["unit_id"].isin(unit_ids)].sort_values("unit_id")
    unit_names = tuple(str(n) for n in units_in["name"])
    notes: list[str] = []

    ranking: tuple[RankRow, ...] = ()
    criticised: tuple[ListRow, ...] = ()
    commended: tuple[ListRow, ...] = ()
    if prepared.ranking is not None and prepared.previous_ranking is not None:
        mine = prepared.ranking[prepared.ranking["account_key"].isin(keys)]
        ranking = tuple(
            dataclasses.replace(r, data_note=inputs.gaps[r.account_key].text)
            if r.account_key in inputs.gaps
            else r
            for r in ranking_rows(mine, prepared.previous_ranking)
        )
    else:
        notes.append("账号排行未启用（ranking.enabled = false）")
    if prepared.lists is not None:
        criticised = _list_rows(prepared.lists.criticised, keys)
        commended = _list_rows(prepared.lists.commended, keys)

    topics: tuple[TopicRow, ...] = ()
    if inputs.topic_finder is None:
        notes.append("热点话题发现未启用（topics.enabled = false）")
    elif not accounts.empty:
        key = frozenset(int(i) for i in ids)
        if key not in prepared.topics:
            prepared.topics[key] = inputs.topic_finder(posts, comments, accounts)
        topics = topic_rows(prepared.topics[key][: limits.topics], names)
    rumours: tuple[RumourRow, ...] = ()
    if inputs.rumours is None:
        notes.append("谣言跟踪未启用（rumours.enabled = false）")
    else:
        rumours = rumour_rows(inputs.rumours, unit_ids)

    actions = []
    for name in unit_names:
        items = actions_for(findings, name, inputs.period, limits.actions)
        if items:
            editor = _unit_row(inputs.units, _unit_id(inputs.units, name)).get("editor", "")
            actions.append(UnitActions(name, editor, items))

    head = _unit_row(inputs.units, unit_id)
    return DigestData(
        week=inputs.week,
        scope=scope,
        unit_id=unit_id,
        start=inputs.period.start,
        end=inputs.period.end,
        head=head.get("head", ""),
        editor=head.get("editor", ""),
        units=unit_names,
        overview=overview(accounts, activity, before, inputs.period, inputs.previous),
        daily=daily_rows(prepared.days.rows(in_posts, in_comments), inputs.period),
        ranking=ranking,
        topics=topics,
        rumours=rumours,
        questions=scope_questions(prepared.questions, ids),
        negative=negative_threads(posts, comments, accounts, inputs.period, limits.negative),
        findings=finding_groups(findings, inputs.period, names, limits.findings_per_group),
        criticised=criticised,
        commended=commended,
        actions=tuple(actions),
        notes=tuple(notes),
        incomplete=tuple(
            IncompleteRow(g.account_key, g.label, g.unit, g.text)
            for key, g in sorted(inputs.gaps.items())
            if key in keys
        ),
    )


def _unit_id(units: pd.DataFrame, name: str) -> int | None:
    rows = units[units["name"] == name]
    return None if rows.empty else int(rows["unit_id"].iloc[0])


def digest_units(inputs: DigestInputs) -> list[int]:
    """Units that get a digest of their own: those with an account in their subtree."""
    with_accounts = set(int(u) for u in inputs.accounts["unit_id"].dropna())
    out = []
    for uid in sorted(int(u) for u in inputs.units["unit_id"]):
        if subtree(inputs.units, uid) & with_accounts:
            out.append(uid)
    return out


def build_digests(inputs: DigestInputs, unit_ids: list[int] | None = None) -> Iterator[DigestData]:
    """The system's digest, then one per unit (``unit_ids``: only these units, no system)."""
    inputs = with_content_closings(inputs)
    prepared = _prepare(inputs)
    if unit_ids is None:
        yield _build(inputs, prepared, None)
        unit_ids = digest_units(inputs)
    for uid in unit_ids:
        yield _build(inputs, prepared, uid)
