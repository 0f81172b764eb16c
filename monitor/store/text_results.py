"""Per-text rule results in the database (table ``text_results``), so that a fresh process —
every CLI run, a restarted daemon — scores only texts it has never seen.

The analysis side keys each result ``<kind>:<word lists' fingerprint>:<text hash>``
(analysis/compliance/text_flags.py); here that key is stored as (scorer, text_hash).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Iterable, Iterator, MutableMapping, Sequence
from typing import Any

from sqlalchemy import Text, cast, delete, select
from sqlalchemy.engine import Connection

from monitor.db.models import TextResult
from monitor.store.upsert import chunks, upsert

SAVE_CHUNK = 20_000  # per-text results written at a time


def _split(key: str) -> tuple[str, str]:
    scorer, _, text_hash = key.rpartition(":")
    return scorer, text_hash


class StoredTextCache(MutableMapping[str, tuple[object, ...]]):
    """The mapping the rules engine reads and fills, over a process-wide dict; remembers what
    was computed now so that only that is written back."""

    def __init__(self, memory: MutableMapping[str, tuple[object, ...]]) -> None:
        self.memory = memory
        self.computed: set[str] = set()

    def __getitem__(self, key: str) -> tuple[object, ...]:
        return self.memory[key]

    def __setitem__(self, key: str, value: tuple[object, ...]) -> None:
        self.memory[key] = value
        self.computed.add(key)

    def __delitem__(self, key: str) -> None:
        del self.memory[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.memory)

    def __len__(self) -> int:
        return len(self.memory)

    def __contains__(self, key: object) -> bool:
        return key in self.memory

    def load(self, conn: Connection, keys: Iterable[str]) -> int:
        """Fetch the stored results of ``keys`` not yet in memory; returns how many."""
        wanted: dict[str, set[str]] = {}
        for key in keys:
            if key not in self.memory:
                scorer, text_hash = _split(key)
                wanted.setdefault(scorer, set()).add(text_hash)
        found = 0
        for scorer, hashes in wanted.items():
            for text_hash, result in read_results(conn, scorer, hashes):
                self.memory[f"{scorer}:{text_hash}"] = result
                found += 1
        return found

    def save(self, conn: Connection, now: dt.datetime) -> int:
        """Store what was computed since the last save; returns how many."""
        # Results stay tuples (hashable): most texts share one of a few results (no flag, not
        # a question), which the upsert then serialises once each instead of once per text.
        # Written SAVE_CHUNK at a time: a cold province run computes ~190k, whose rows and
        # driver parameters all at once were the run's memory peak (~90 MiB).
        keys = [key for key in sorted(self.computed) if key in self.memory]
        for part in chunks(keys, SAVE_CHUNK):
            write_results(conn, [(*_split(key), self.memory[key]) for key in part], now)
        self.computed.clear()
        return len(keys)


def read_results(
    conn: Connection, scorer: str, hashes: Collection[str]
) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """The stored results of ``scorer`` for those of ``hashes`` that have one. Equal results
    are one tuple: most texts share one of a few dozen (no flag, not a question), so each
    stored text is decoded once (a third of a province's ~1.7 s read, and ~190k tuples fewer
    held)."""
    of_scorer = TextResult.scorer == scorer
    if conn.scalar(select(TextResult.text_hash).where(of_scorer).limit(1)) is None:
        return  # a scorer never stored (new word lists, a first run): ~1 s of lookups saved
    # As text in SQL, on PostgreSQL too (whose driver would decode each row's JSON itself).
    query = select(TextResult.text_hash, cast(TextResult.result, Text)).where(of_scorer)
    decoded: dict[str, tuple[Any, ...]] = {}
    # By primary key, 900 at a time: the table keeps every text ever seen, so a pass over all
    # of a scorer's rows would grow with the history.
    for part in chunks(sorted(hashes), 900):
        for text_hash, stored in conn.execute(query.where(TextResult.text_hash.in_(part))):
            result = decoded.get(stored)
            if result is None:
                result = decoded[stored] = tuple(json.loads(stored))
            yield str(text_hash), result


def write_results(
    conn: Connection, rows: Iterable[tuple[str, str, Sequence[Any]]], now: dt.datetime
) -> None:
    """Store (scorer, text hash, result) rows, replacing older results of the same keys; a
    result is a JSON array (a tuple is stored as one)."""
    upsert(
        conn,
        TextResult.__table__,  # type: ignore[arg-type]
        [
            {"scorer": scorer, "text_hash": text_hash, "result": result, "computed_at": now}
            for scorer, text_hash, result in rows
        ],
        conflict=("scorer", "text_hash"),
        update=("result", "computed_at"),
    )


def prune_results(conn: Connection, before: dt.datetime) -> int:
    """Forget results computed before ``before``; returns how many. A text still read later
    is only computed again: these rows are a cache, about one per comment ever seen, and
    would otherwise grow as fast as the comments themselves."""
    return int(conn.execute(delete(TextResult).where(TextResult.computed_at < before)).rowcount)
