"""总览, 周报, 情感标注 and 状态."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from monitor.daemon.health import build_report
from monitor.db.models import Account, Comment, Delivery, JobRun, Post, SentimentLabel
from monitor.pipeline.sentiment_review import review_pick
from monitor.settings.secrets import redact
from monitor.store.sentiment_labels import LABEL_WORDS, LABELS, save_label
from monitor.web import audit, queries
from monitor.web.forms import page_number
from monitor.web.security import csrf_ok, stale_form
from monitor.web.state import flash, not_found, render, require_actor, signed_in, web

REVIEW_PAGE = 20
# The page picks from the newest comments only (the CLI's sheet looks at 50,000): a page must
# answer in a fraction of a second; labelled ones leave the pool, so older ones come up in turn.
REVIEW_POOL = 1_000
# A digest's own HTML has inline styles and data: images; it runs no script and is sandboxed.
DIGEST_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"


def overview(request: Request) -> Response:
    state = web(request)
    now = state.clock()
    local = now.astimezone(ZoneInfo(state.settings.general.timezone))
    week_start = (local - dt.timedelta(days=local.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )  # Monday 00:00 where the office is
    with state.session() as session:
        scope = signed_in(request, session)
        values: dict[str, Any] = {
            "failing": queries.failing_accounts(session, scope),
            "alerts": queries.open_alerts_by_unit(session, scope),
            "counts": queries.week_counts(session, scope, week_start),
            "week_start": week_start,
            "recent": queries.recent_audit(session, scope, 10),
            # The digest's charts are in the newest digest's own page, linked from here.
            "digest": session.scalars(queries.digests_query(scope).limit(1)).first(),
        }
        if scope.is_admin:  # the office's view of the whole service
            values["outbox"] = dict(
                session.execute(
                    select(Delivery.status, func.count()).group_by(Delivery.status)
                ).all()
            )
            latest = (
                select(JobRun.job, func.max(JobRun.started_at).label("at"))
                .group_by(JobRun.job)
                .subquery()
            )
            values["runs"] = session.scalars(
                select(JobRun)
                .join(latest, (JobRun.job == latest.c.job) & (JobRun.started_at == latest.c.at))
                .order_by(JobRun.job)
            ).all()
        return render(request, "overview.html", scope, **values)


# -- 周报 ------------------------------------------------------------------------------------


def digests_list(request: Request) -> Response:
    state = web(request)
    with state.session() as session:
        scope = signed_in(request, session)
        page = queries.paginate(
            session,
            queries.digests_query(scope),
            page_number(request.query_params),
            state.settings.web.page_size,
        )
        return render(request, "digests.html", scope, page=page)


def _digest_file(request: Request, kind: str) -> Path:
    state = web(request)
    with state.session() as session:
        scope = signed_in(request, session)
        row = queries.digest(session, scope, int(request.path_params["digest_id"]))
        if row is None:
            raise not_found()
        name = row.files.get(kind) if isinstance(row.files, dict) else None
    path = Path(str(name)) if name else None
    if path is None or not path.is_file():
        raise not_found()
    return path


def digest_html(request: Request) -> Response:
    path = _digest_file(request, "html")
    response = HTMLResponse(path.read_text(encoding="utf-8"))
    response.headers["content-security-policy"] = DIGEST_CSP
    return response


def digest_xlsx(request: Request) -> Response:
    path = _digest_file(request, "xlsx")
    digest_id = request.path_params["digest_id"]
    return FileResponse(
        path,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        filename=f"govmon-digest-{digest_id}.xlsx",
    )


# -- 情感标注 --------------------------------------------------------------------------------


def sentiment_page(request: Request) -> Response:
    state = web(request)
    with state.session() as session:
        scope = signed_in(request, session)
        require_actor(scope)
        # An admin's pool is every comment: no filter, so the newest are read by the time
        # index. A unit's: its posts first (a filter on accounts leads SQLite to sort them all).
        in_scope = (
            None
            if scope.unit_ids is None
            else Comment.post_id.in_(
                select(Post.id)
                .join(Account, Post.account_id == Account.id)
                .where(scope.units(Account.unit_id))
            )
        )
        chosen = review_pick(
            session,
            state.settings.sentiment,
            REVIEW_PAGE,
            REVIEW_POOL,
            scope=in_scope,
        )
        items = [
            {
                "text": item.text,
                "hash": chosen.hashes[item.text],
                "reason": item.reason,
                "where": chosen.where.get(item.text),
            }
            for item in chosen.items
        ]
        labelled = session.scalar(select(func.count()).select_from(SentimentLabel)) or 0
        return render(
            request, "sentiment.html", scope, items=items, words=LABEL_WORDS, labelled=labelled
        )


async def sentiment_label(request: Request) -> Response:
    form = await request.form()
    state = web(request)
    with state.transaction() as session:
        scope = signed_in(request, session)
        if not csrf_ok(request, form.get("csrf")):
            return stale_form()
        require_actor(scope)
        label = str(form.get("label", ""))
        text_hash = str(form.get("hash", ""))
        if label not in LABELS:
            flash(request, "未知的标注")
            return RedirectResponse("/sentiment", status_code=303)
        # The comment must be one the person may see: its text comes from the database.
        text = queries.comment_text_in_scope(session, scope, text_hash)
        if text is None:
            raise not_found()
        save_label(session, text_hash, text, LABELS[label], scope.user_name, state.clock())
        audit.record(
            session,
            user=scope.user_name,
            action="sentiment_label",
            object_type="comment_text",
            object_id=text_hash,
            now=state.clock(),
            after={"label": LABEL_WORDS[label]},
        )
    flash(request, f"已标注为「{LABEL_WORDS[label]}」")
    return RedirectResponse("/sentiment", status_code=303)


# -- 状态 ------------------------------------------------------------------------------------


def _flatten(prefix: str, value: Any, out: list[tuple[str, str]]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), inner, out)
    else:
        out.append((prefix, redact(str(value))))


def status_page(request: Request) -> Response:
    state = web(request)
    with state.session() as session:
        scope = signed_in(request, session)
        if not scope.is_admin:
            raise not_found()
    report = build_report(state.settings, state.engine, state.clock())
    settings: list[tuple[str, str]] = []
    # mode="json" turns every SecretStr into "**********"; redact() catches resolved secrets
    # that sit inside other values (a channel URL with its key).
    _flatten("", state.settings.model_dump(mode="json"), settings)
    return render(request, "status.html", scope, report=report, settings=settings)
