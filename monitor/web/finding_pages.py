"""发现与告警 and 网民提问: lists with filters, a finding's page, and the actions on it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from analysis.labels import RULES, SEVERITY_LABELS, STATE_LABELS
from monitor.db.models import Account, FindingRow, Unit
from monitor.pipeline.alerts import acknowledge_alert
from monitor.store.dismissals import ClosureError, close_finding
from monitor.web import audit, queries
from monitor.web.forms import day, int_or_none, page_number, query_without_page, text
from monitor.web.queries import FindingFilter
from monitor.web.scope import Scope
from monitor.web.security import csrf_ok, stale_form
from monitor.web.state import flash, not_found, render, require_actor, signed_in, web

NOTE_MAX = 2000


def findings_list(request: Request) -> Response:
    state = web(request)
    params = request.query_params
    wanted = FindingFilter(
        unit_id=int_or_none(params, "unit"),
        rule=text(params, "rule", RULES),
        state=text(params, "state", STATE_LABELS),
        severity=text(params, "severity", SEVERITY_LABELS),
        since=day(params, "since"),
        until=day(params, "until"),
    )
    with state.session() as session:
        scope = signed_in(request, session)
        page = queries.paginate(
            session,
            queries.findings_query(scope, wanted),
            page_number(params),
            state.settings.web.page_size,
        )
        return render(
            request,
            "findings.html",
            scope,
            page=page,
            wanted=wanted,
            units=queries.units_in_scope(session, scope),
            rules=RULES,
            states=STATE_LABELS,
            severities=SEVERITY_LABELS,
            query=query_without_page(request),
        )


def questions_list(request: Request) -> Response:
    state = web(request)
    with state.session() as session:
        scope = signed_in(request, session)
        page = queries.paginate(
            session,
            queries.open_questions_query(scope),
            page_number(request.query_params),
            state.settings.web.page_size,
        )
        return render(request, "questions.html", scope, page=page, now=state.clock())


def finding_page(request: Request) -> Response:
    state = web(request)
    finding_id = int(request.path_params["finding_id"])
    with state.session() as session:
        scope = signed_in(request, session)
        row = queries.finding(session, scope, finding_id)
        if row is None:
            raise not_found()
        alert = queries.alert_of(session, row.id)
        values: dict[str, Any] = {
            "f": row,
            "alert": alert,
            "closure": queries.closure(session, row),
            "history": audit.history(session, "finding", row.id),
            "unit": session.get(Unit, row.unit_id) if row.unit_id is not None else None,
            "account": (
                session.get(Account, row.account_id) if row.account_id is not None else None
            ),
            "is_question": row.rule == queries.QUESTION_RULE,
            "thread": queries.question_thread(session, row),
        }
        return render(request, "finding.html", scope, **values)


async def _action_form(request: Request) -> tuple[dict[str, str], int]:
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    return values, int(request.path_params["finding_id"])


def _back(finding_id: int) -> Response:
    return RedirectResponse(f"/findings/{finding_id}", status_code=303)


def _acting_on(
    request: Request, session: Session, form: dict[str, str], finding_id: int
) -> tuple[Scope, FindingRow] | Response:
    """The signed-in person and the finding an action form is about, checked in this order:
    404 outside their scope (before anything else is said about it), the answer to a stale
    form, then 403 for a read-only user."""
    scope = signed_in(request, session)
    row = queries.finding(session, scope, finding_id)
    if row is None:
        raise not_found()
    if not csrf_ok(request, form.get("csrf")):
        return stale_form()
    require_actor(scope)
    return scope, row


async def acknowledge(request: Request) -> Response:
    form, finding_id = await _action_form(request)
    state = web(request)
    now = state.clock()
    with state.session() as session:
        found = _acting_on(request, session, form, finding_id)
        if isinstance(found, Response):
            return found
        scope, row = found
        alert = queries.alert_of(session, row.id)
        if alert is None:
            raise not_found()
        alert_id, unit_id = alert.id, row.unit_id
    result = acknowledge_alert(state.engine, alert_id, now, by=scope.user_name)
    if result is None:
        raise not_found()
    with state.transaction() as session:
        audit.record(
            session,
            user=scope.user_name,
            action="acknowledge",
            object_type="finding",
            object_id=finding_id,
            unit_id=unit_id,
            now=now,
            before={"alert_state": result.before},
            after={"alert_state": result.state.state},
        )
    flash(request, "已确认告警")
    return _back(finding_id)


async def _close(request: Request, kind: str) -> Response:
    form, finding_id = await _action_form(request)
    state = web(request)
    now = state.clock()
    with state.transaction() as session:
        found = _acting_on(request, session, form, finding_id)
        if isinstance(found, Response):
            return found
        scope, row = found
        before = row.state
        reason = form.get("reason", "")[:NOTE_MAX]
        try:
            close_finding(session, row, kind, reason, scope.user_name, now)
        except ClosureError as exc:
            flash(request, str(exc))
            return _back(finding_id)
        audit.record(
            session,
            user=scope.user_name,
            action=kind,
            object_type="finding",
            object_id=finding_id,
            unit_id=row.unit_id,
            now=now,
            before={"state": before},
            after={"state": row.state},
            note=reason.strip(),
        )
    flash(request, "已标记为误报并关闭" if kind == "false_positive" else "已记录线下答复并关闭")
    return _back(finding_id)


async def false_positive(request: Request) -> Response:
    return await _close(request, "false_positive")


async def answered_offline(request: Request) -> Response:
    return await _close(request, "answered_offline")


async def note(request: Request) -> Response:
    form, finding_id = await _action_form(request)
    state = web(request)
    with state.transaction() as session:
        found = _acting_on(request, session, form, finding_id)
        if isinstance(found, Response):
            return found
        scope, row = found
        body = form.get("note", "").strip()[:NOTE_MAX]
        if not body:
            flash(request, "备注不能为空")
            return _back(finding_id)
        audit.record(
            session,
            user=scope.user_name,
            action="note",
            object_type="finding",
            object_id=finding_id,
            unit_id=row.unit_id,
            now=state.clock(),
            note=body,
        )
    flash(request, "已添加备注")
    return _back(finding_id)
