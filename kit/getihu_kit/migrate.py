"""Developer command: write a new date-prefixed Alembic revision for a service from its models.

    python -m getihu_kit.migrate <service-folder> "<message>"
Autogenerates against a scratch database (`scratch_<service>`) on the server of DATABASE_URL (or
the local one `make up` starts), upgraded to the current head first and dropped afterwards.
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from getihu_kit.db import run_migrations
from getihu_kit.settings import ServiceSettings


def main() -> None:
    folder, message = Path(sys.argv[1]).resolve(), sys.argv[2]
    sys.path.insert(0, str(folder))
    migrations = folder / "migrations"
    name = "scratch_" + folder.name.replace("-", "_")
    url = ServiceSettings(db_name=name).resolved_database_url()
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        run_migrations(url, migrations)
        cfg = Config()
        cfg.set_main_option("script_location", str(migrations))
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
        cfg.set_main_option("file_template", "%%(rev)s_%%(slug)s")
        rev = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d%H%M")
        command.revision(cfg, message=message, autogenerate=True, rev_id=rev)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
