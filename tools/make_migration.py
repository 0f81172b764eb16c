"""Developer tool: autogenerate an Alembic revision from the models against a scratch SQLite DB.

python tools/make_migration.py "add digests table" [--rev-id 0002]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from alembic import command

from monitor.db.engine import make_engine
from monitor.db.migrate import alembic_config


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("message")
    parser.add_argument("--rev-id", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'scratch.db'}")
        config = alembic_config(engine)
        command.upgrade(config, "head")
        command.revision(config, message=args.message, autogenerate=True, rev_id=args.rev_id)


if __name__ == "__main__":
    main()
