"""Developer command: write a new date-prefixed Alembic revision for a service from its models.

    python -m getihu_kit.migrate <service-folder> "<message>"
Autogenerates against a scratch SQLite database upgraded to the current head.
"""
from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

from alembic import command
from alembic.config import Config

from getihu_kit.db import run_migrations


def main() -> None:
    folder, message = Path(sys.argv[1]).resolve(), sys.argv[2]
    sys.path.insert(0, str(folder))
    migrations = folder / "migrations"
    url = f"sqlite:///{tempfile.mkdtemp()}/scratch.sqlite3"
    run_migrations(url, migrations)
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations))
    cfg.set_main_option("sqlalchemy.url", url)
    cfg.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    rev = dt.datetime.now().strftime("%Y%m%d%H%M")
    command.revision(cfg, message=message, autogenerate=True, rev_id=rev)


if __name__ == "__main__":
    main()
