"""Benchmark of the web console on a province-scale synthetic database: 300 accounts under a
three-level unit tree, 6,000 posts, 200,000 comments, 3,000 findings with alerts.

For each page: p95 of the server time (the request through the whole app: session, scope,
queries, template) for an admin and for a unit user, printed beside the p95 of the page's main
query alone, measured in the same run. The bound of issue 14 is p95 < 300 ms per page.

    python benchmarks/web.py [--accounts 300] [--posts 6000] [--comments 200000] [--runs 30]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from monitor.db import migrate
from monitor.db.engine import make_engine
from monitor.db.models import Account, Alert, Comment, FindingRow, Post, Unit, User
from monitor.settings import Settings
from monitor.web import queries
from monitor.web.app import create_app
from monitor.web.scope import Scope, scope_of
from monitor.web.users import hash_password

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
PASSWORD = "benchmark password"
RULES = ["stale_account", "unanswered_question", "missing_attribution", "commercial_content"]


def build(engine: Engine, n_accounts: int, n_posts: int, n_comments: int) -> None:
    rng = random.Random(7)
    with engine.begin() as conn:
        conn.execute(insert(Unit), [{"id": 1, "name": "交通运输厅", "parent_id": None}])
        middles = max(1, n_accounts // 25)
        conn.execute(
            insert(Unit),
            [{"id": 1 + m, "name": f"厅直单位{m}", "parent_id": 1} for m in range(1, middles + 1)],
        )
        leaves = max(1, n_accounts // 5)
        base = 2 + middles
        conn.execute(
            insert(Unit),
            [
                {"id": base + i, "name": f"下属单位{i}", "parent_id": 2 + i % middles}
                for i in range(leaves)
            ],
        )
        conn.execute(
            insert(Account),
            [
                {
                    "id": a + 1,
                    "unit_id": base + a % leaves,
                    "platform": "weibo",
                    "platform_id": str(6_000_000 + a),
                    "name": f"账号{a}",
                }
                for a in range(n_accounts)
            ],
        )
        conn.execute(
            insert(Post),
            [
                {
                    "id": p + 1,
                    "account_id": p % n_accounts + 1,
                    "platform": "weibo",
                    "platform_post_id": f"p{p}",
                    "published_at": NOW - dt.timedelta(minutes=rng.randrange(7 * 24 * 60)),
                    "text": f"通告：道路施工第{p}号",
                }
                for p in range(n_posts)
            ],
        )
        for start in range(0, n_comments, 20_000):
            conn.execute(
                insert(Comment),
                [
                    {
                        "post_id": c % n_posts + 1,
                        "platform": "weibo",
                        "platform_comment_id": f"c{c}",
                        "text": f"请问什么时候通车？[哈哈][泪]{c}",
                        "text_hash": f"h{c}",
                        "created_at": NOW - dt.timedelta(minutes=rng.randrange(7 * 24 * 60)),
                    }
                    for c in range(start, min(n_comments, start + 20_000))
                ],
            )
        findings = 10 * n_accounts
        conn.execute(
            insert(FindingRow),
            [
                {
                    "id": f + 1,
                    "dedup_key": f"k{f}",
                    "rule": RULES[f % len(RULES)],
                    "article": "第十二条",
                    "subject_type": "comment"
                    if RULES[f % len(RULES)] == "unanswered_question"
                    else "account",
                    "subject_key": f"weibo:c{f}",
                    "unit_id": base + f % leaves,
                    "account_id": f % n_accounts + 1,
                    "severity": "warning",
                    "summary": f"问题{f}",
                    "deadline": NOW + dt.timedelta(hours=f % 100),
                    "state": "open" if f % 3 else "resolved",
                    "first_seen": NOW - dt.timedelta(days=f % 30),
                    "last_seen": NOW,
                }
                for f in range(findings)
            ],
        )
        conn.execute(
            insert(Alert),
            [
                {"finding_id": f + 1, "severity": "warning", "state": "open", "opened_at": NOW}
                for f in range(0, findings, 2)
            ],
        )
        conn.execute(
            insert(User),
            [
                {
                    "name": "admin",
                    "role": "admin",
                    "unit_id": None,
                    "password_hash": hash_password(PASSWORD),
                    "must_change_password": False,
                    "disabled": False,
                },
                {
                    "name": "unit",
                    "role": "unit",
                    "unit_id": 2,  # a 厅直单位 and its subtree
                    "password_hash": hash_password(PASSWORD),
                    "must_change_password": False,
                    "disabled": False,
                },
            ],
        )


def timed(action: Callable[[], Any], runs: int) -> tuple[float, float]:
    """(p50, p95) in milliseconds."""
    action()  # warm: templates compiled, caches filled
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    if len(samples) < 2:
        return samples[0] * 1000, samples[0] * 1000
    cuts = statistics.quantiles(samples, n=20)
    return statistics.median(samples) * 1000, cuts[18] * 1000


def login(client: TestClient, name: str) -> None:
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
    assert token
    response = client.post(
        "/login",
        data={"name": name, "password": PASSWORD, "csrf": token.group(1)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=300)
    parser.add_argument("--posts", type=int, default=6000)
    parser.add_argument("--comments", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="govmon-web-bench-") as name:
        return run(args, Path(name))


def run(args: argparse.Namespace, folder: Path) -> int:
    engine = make_engine(f"sqlite:///{folder / 'govmon.db'}")
    migrate.upgrade(engine)
    started = time.perf_counter()
    build(engine, args.accounts, args.posts, args.comments)
    print(
        f"synthetic database: {args.accounts} accounts, {args.posts} posts, "
        f"{args.comments} comments, {10 * args.accounts} findings "
        f"(built in {time.perf_counter() - started:.0f} s)"
    )
    settings = Settings.model_validate({"general": {"data_dir": str(folder)}})
    app = create_app(settings, engine, clock=lambda: NOW, key="bench")
    size = settings.web.page_size
    since = NOW - dt.timedelta(days=NOW.weekday())

    def main_queries(scope: Scope) -> dict[str, Callable[[], Any]]:
        def run(query: Any) -> Callable[[], Any]:
            return lambda: _with(engine, lambda s: queries.paginate(s, query, 1, size))

        return {
            "/": lambda: _with(engine, lambda s: queries.week_counts(s, scope, since)),
            "/findings": run(queries.findings_query(scope, queries.FindingFilter())),
            "/findings?rule=stale_account&state=open": run(
                queries.findings_query(
                    scope, queries.FindingFilter(rule="stale_account", state="open")
                )
            ),
            "/questions": run(queries.open_questions_query(scope)),
            "/accounts": run(queries.accounts_query(scope, queries.AccountFilter())),
            "/accounts/{id}": lambda: _with(engine, lambda s: queries.account_comments(s, 1)),
            "/findings/{id}": lambda: _with(engine, lambda s: queries.finding(s, scope, 1)),
            "/digests": run(queries.digests_query(scope)),
        }

    print(
        f"{'page':44} {'user':6} {'page p50':>9} {'page p95':>9} "
        f"{'query p50':>10} {'query p95':>10} {'p95 ratio':>9}  (ms)"
    )
    worst = 0.0
    for name in ("admin", "unit"):
        with TestClient(app) as client:
            login(client, name)
            with Session(engine) as session:
                user = session.scalars(select(User).where(User.name == name)).one()
                scope = scope_of(session, user)
                account_id = session.scalar(
                    select(Account.id).where(scope.units(Account.unit_id)).limit(1)
                )
                finding_id = session.scalar(
                    select(FindingRow.id).where(scope.units(FindingRow.unit_id)).limit(1)
                )
            paths = {
                "/": "/",
                "/findings": "/findings",
                "/findings?rule=stale_account&state=open": "/findings?rule=stale_account&state=open",
                "/questions": "/questions",
                "/accounts": "/accounts",
                "/accounts/{id}": f"/accounts/{account_id}",
                "/findings/{id}": f"/findings/{finding_id}",
                "/digests": "/digests",
            }
            mains = main_queries(scope)
            for key, path in paths.items():
                page50, page95 = timed(lambda path=path: _ok(client.get(path)), args.runs)
                query50, query95 = timed(mains[key], args.runs)
                worst = max(worst, page95)
                print(
                    f"{key:44} {name:6} {page50:9.1f} {page95:9.1f} "
                    f"{query50:10.1f} {query95:10.1f} {page95 / query95:9.1f}"
                )
            page50, page95 = timed(lambda: _ok(client.get("/sentiment")), args.runs)
            worst = max(worst, page95)
            label = "/sentiment (review pick: no single query)"
            print(f"{label:44} {name:6} {page50:9.1f} {page95:9.1f} {'—':>10} {'—':>10}")
    print(f"worst page p95: {worst:.1f} ms (bound: 300 ms)")
    engine.dispose()
    return 0


def _with(engine: Engine, work: Callable[[Session], Any]) -> Any:
    with Session(engine) as session:
        return work(session)


def _ok(response: Any) -> None:
    assert response.status_code == 200, response.status_code


if __name__ == "__main__":
    raise SystemExit(main())
