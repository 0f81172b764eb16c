"""账号: the registry with filters, an account's page, and (admin) the 备案登记表 upload:
a dry run showing every error or what would change, then an explicit confirmation."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from pathlib import Path

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from analysis.platforms import BY_CODE
from monitor.errors import InputError
from monitor.pipeline.sentiment import current_engine
from monitor.registry.reader import read_table
from monitor.registry.store import ImportResult, import_registry
from monitor.registry.validate import validate_table
from monitor.store.sentiment_labels import LABEL_WORDS
from monitor.web import audit, queries
from monitor.web.forms import int_or_none, page_number, query_without_page, text
from monitor.web.queries import AccountFilter
from monitor.web.security import csrf_ok, stale_form
from monitor.web.state import ACCOUNT_STATUS_LABELS, flash, not_found, render, signed_in, web

UPLOAD_SUFFIXES = (".xlsx", ".csv")
MAX_UPLOAD = 20 * 1024 * 1024
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def accounts_list(request: Request) -> Response:
    state = web(request)
    params = request.query_params
    wanted = AccountFilter(
        unit_id=int_or_none(params, "unit"),
        platform=text(params, "platform", BY_CODE),
        status=text(params, "status", ACCOUNT_STATUS_LABELS),
        text=text(params, "q"),
    )
    with state.session() as session:
        scope = signed_in(request, session)
        page = queries.paginate(
            session,
            queries.accounts_query(scope, wanted),
            page_number(params),
            state.settings.web.page_size,
        )
        return render(
            request,
            "accounts.html",
            scope,
            page=page,
            wanted=wanted,
            units=queries.units_in_scope(session, scope),
            platforms=BY_CODE,
            statuses=ACCOUNT_STATUS_LABELS,
            query=query_without_page(request),
        )


def account_page(request: Request) -> Response:
    state = web(request)
    account_id = int(request.path_params["account_id"])
    now = state.clock()
    with state.session() as session:
        scope = signed_in(request, session)
        account = queries.account(session, scope, account_id)
        if account is None:
            raise not_found()
        since = now - dt.timedelta(days=28)
        days = queries.posts_per_day(session, account.id, since)
        top = max((n for _, n in days), default=0)
        comments = queries.account_comments(session, account.id)
        engine_name = current_engine(state.settings.sentiment).name
        sentiment = queries.sentiment_counts(session, account.id, engine_name, since)
        labels = queries.cached_labels(session, engine_name, [c.text_hash for c in comments])
        return render(
            request,
            "account.html",
            scope,
            a=account,
            unit=account.unit,
            posts=queries.account_posts(session, account.id),
            comments=comments,
            sentiment=sentiment,
            scored=sum(sentiment.values()),
            labels=labels,
            words=LABEL_WORDS,
            findings=queries.account_findings(session, account.id),
            days=days,
            top=top,
            history=audit.history(session, "account", account.id),
        )


# -- registry upload (admin) -----------------------------------------------------------------


def _uploads(request: Request) -> Path:
    return web(request).settings.general.data_dir / "web-uploads"


def _admin(request: Request) -> None:
    with web(request).session() as session:
        if not signed_in(request, session).is_admin:
            raise not_found()


def import_form(request: Request) -> Response:
    state = web(request)
    with state.session() as session:
        scope = signed_in(request, session)
        if not scope.is_admin:
            raise not_found()
        return render(request, "import.html", scope)


async def import_upload(request: Request) -> Response:
    _admin(request)
    form = await request.form(max_files=1)
    if not csrf_ok(request, form.get("csrf")):
        return stale_form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        flash(request, "请选择要上传的备案登记表（.xlsx 或 .csv）")
        return RedirectResponse("/accounts/import", status_code=303)
    suffix = Path(upload.filename).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        flash(request, f"不支持的文件类型 {suffix or '（无扩展名）'}：请上传 .xlsx 或 .csv")
        return RedirectResponse("/accounts/import", status_code=303)
    data = await upload.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        flash(request, "文件超过 20 MB，请检查是否选错了文件")
        return RedirectResponse("/accounts/import", status_code=303)
    folder = _uploads(request)
    folder.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(18)
    (folder / f"{token}{suffix}").write_bytes(data)
    (folder / f"{token}.name").write_text(Path(upload.filename).name, encoding="utf-8")
    return RedirectResponse(f"/accounts/import/{token}", status_code=303)


def _uploaded(request: Request) -> tuple[Path, str]:
    token = str(request.path_params["token"])
    if not _TOKEN.match(token):
        raise not_found()
    folder = _uploads(request)
    for suffix in UPLOAD_SUFFIXES:
        path = folder / f"{token}{suffix}"
        if path.exists():
            name_file = folder / f"{token}.name"
            name = name_file.read_text(encoding="utf-8") if name_file.exists() else path.name
            return path, name
    raise not_found()


def _dry_run(request: Request, path: Path) -> tuple[ImportResult | None, str, list[str]]:
    """What the import would do, computed in a transaction that is rolled back."""
    try:
        registry = validate_table(read_table(path))
    except InputError as exc:
        return None, exc.message, []
    with web(request).session() as session:
        try:
            result = import_registry(session, registry)
        except InputError as exc:
            return None, exc.message, registry.warnings
        finally:
            session.rollback()
    return result, "", registry.warnings


def import_preview(request: Request) -> Response:
    state = web(request)
    path, name = _uploaded(request)
    with state.session() as session:
        scope = signed_in(request, session)
        if not scope.is_admin:
            raise not_found()
    result, error, warnings = _dry_run(request, path)
    return render(
        request,
        "import_preview.html",
        scope,
        name=name,
        token=request.path_params["token"],
        result=result,
        error=error,
        warnings=warnings,
    )


async def import_confirm(request: Request) -> Response:
    _admin(request)
    form = await request.form()
    if not csrf_ok(request, form.get("csrf")):
        return stale_form()
    path, name = _uploaded(request)
    state = web(request)
    try:
        registry = validate_table(read_table(path))
        with state.transaction() as session:
            scope = signed_in(request, session)
            result = import_registry(session, registry)
            audit.record(
                session,
                user=scope.user_name,
                action="registry_import",
                object_type="registry",
                object_id=name[:100],
                now=state.clock(),
                after={
                    "units_created": result.units.created,
                    "units_updated": result.units.updated,
                    "accounts_created": result.accounts.created,
                    "accounts_updated": result.accounts.updated,
                },
            )
    except InputError as exc:
        flash(request, exc.message)
        return RedirectResponse(f"/accounts/import/{request.path_params['token']}", status_code=303)
    for leftover in path.parent.glob(f"{request.path_params['token']}.*"):
        leftover.unlink(missing_ok=True)
    flash(
        request,
        f"已导入 {name}：单位新建 {result.units.created}、更新 {result.units.updated}；"
        f"账号新建 {result.accounts.created}、更新 {result.accounts.updated}",
    )
    return RedirectResponse("/accounts", status_code=303)
