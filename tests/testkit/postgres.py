"""A fresh PostgreSQL schema for a test that needs PostgreSQL itself (not the parametrised
``db_url`` fixture): the tests of the worker engine, whose queue lives there."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import make_url

from monitor.db.engine import make_engine

PG_URL = os.environ.get("GOVMON_TEST_DATABASE_URL", "")


@contextmanager
def fresh_schema() -> Iterator[str]:
    """The URL of an empty schema of its own (dropped afterwards)."""
    schema = f"w_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
