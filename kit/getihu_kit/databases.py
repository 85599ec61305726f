"""Create each service's database on a PostgreSQL server where it is missing (each service owns one
database; none reads another's). `python -m getihu_kit.databases` with DATABASE_URL set: the
Kubernetes job that runs before the services, and any install on a server of its own. Existing
databases are left as they are, so it runs at every deploy."""
from __future__ import annotations

import os
import sys

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

# One per service, and the gateway's (kit.settings.ServiceSettings.db_name of each).
SERVICE_DATABASES = ("registry", "data_sharing", "typing", "cultivation", "appeal", "notify", "monitoring", "gateway")


def create_missing(server_url: str, names: tuple[str, ...] = SERVICE_DATABASES) -> list[str]:
    """The databases it created (none when all exist)."""
    url = make_url(server_url)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")  # CREATE DATABASE: no transaction
    created = []
    try:
        with engine.connect() as conn:
            have = set(conn.execute(text("SELECT datname FROM pg_database")).scalars())
            for name in names:
                if name not in have:
                    conn.execute(text(f'CREATE DATABASE "{name}"'))
                    created.append(name)
    finally:
        engine.dispose()
    return created


def main() -> None:
    url = os.environ.get("DATABASE_URL")
    if not url:
        sys.exit("DATABASE_URL is not set: the PostgreSQL server on which to create the services' databases")
    created = create_missing(url)
    print(f"created: {', '.join(created)}" if created else "every service database exists")


if __name__ == "__main__":
    main()
