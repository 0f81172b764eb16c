"""The procrastinate app: one per process, on the deployment's PostgreSQL database.

Queues: ``collect`` (one job per due account), ``jobs`` (analysis, alerts, digest, snapshots,
pruning: one at a time each), ``outbox`` (sending). Any number of `govmon worker` processes on
any number of machines take jobs from them; `govmon run` only defers.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import make_url

from monitor.errors import GovmonError, SettingsError
from monitor.settings import Settings

QUEUES = ("collect", "jobs", "outbox")
QUEUE_OF_JOB = {"send": "outbox"}  # every other job runs on "jobs"


def require_postgres(settings: Settings) -> None:
    """The worker engine keeps its queue in PostgreSQL; say so plainly on SQLite."""
    if make_url(settings.database_url()).get_backend_name() != "postgresql":
        raise SettingsError(
            'daemon.engine = "procrastinate" 需要 PostgreSQL：请在 [database] url 中填写 '
            'postgresql+psycopg://… 地址（SQLite 只支持 engine = "apscheduler"）'
        )


def require_procrastinate() -> None:
    """The queue library comes with the postgres extra; say how to get it."""
    try:
        import procrastinate  # noqa: F401
    except ModuleNotFoundError:
        raise GovmonError(
            "多机任务引擎需要 procrastinate：请安装 pip install 'govmon[postgres]'"
        ) from None


def conninfo(settings: Settings) -> dict[str, Any]:
    """libpq connection parameters for psycopg, from the SQLAlchemy URL (password included)."""
    url = make_url(settings.database_url())
    params: dict[str, Any] = {
        "host": url.host or "",
        "port": url.port or 5432,
        "dbname": url.database or "",
        "user": url.username or "",
    }
    if url.password:
        params["password"] = str(url.password)
    for key, value in url.query.items():  # e.g. options=-csearch_path=…, sslmode=require
        params[key] = value if isinstance(value, str) else value[-1]
    return {k: v for k, v in params.items() if v != ""}


def build_app(settings: Settings) -> Any:
    """A procrastinate App with govmon's tasks (not opened)."""
    require_postgres(settings)
    require_procrastinate()
    import procrastinate

    from monitor.workers.tasks import blueprint

    params = conninfo(settings)
    connector = procrastinate.PsycopgConnector(kwargs=params)
    app = procrastinate.App(connector=connector)
    app.add_tasks_from(blueprint, namespace="govmon")
    return app
