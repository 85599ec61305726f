"""The migrations: the revision that makes runs and publications kit jobs upgrades a database the
earlier revisions made (its runs keep working), and the head builds exactly what the models say."""
from __future__ import annotations

import datetime as dt

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from getihu_kit import testing
from getihu_kit.db import make_engine
from typing_svc.models import Base
from typing_svc.settings import MIGRATIONS

BEFORE_JOBS = "202611272311"


def _config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["configure_logger"] = False
    return cfg


def test_runs_of_a_database_made_by_the_earlier_revisions_get_their_jobs():
    url = testing.fresh_database("test_typing_svc_upgrade", None)
    cfg = _config(url)
    command.upgrade(cfg, BEFORE_JOBS)
    engine = make_engine(url)
    stale = dt.datetime(2026, 7, 1, 8, 0, tzinfo=dt.timezone.utc)
    try:
        with engine.begin() as c:
            for n, (status, counts) in enumerate([("published", '{"survival": 3, "growth": 2, "development": 1, '
                                                                 '"excluded": 1}'),
                                                  ("running", None), ("queued", None), ("failed", None)], 1):
                c.execute(text(
                    "INSERT INTO typing_run (id, year, reference_date, ruleset, status, progress, counts, trigger, "
                    "message, heartbeat_at, started_at, finished_at) VALUES (:id, 2025, '2025-06-30', "
                    "'national-2024', :status, 0.5, CAST(:counts AS json), 'staff', :message, :hb, :hb, :done)"),
                    {"id": f"ty_old{n}", "status": status, "counts": counts, "hb": stale,
                     "message": "分型运行出错" if status == "failed" else None,
                     "done": stale if status in ("published", "failed") else None})
        command.upgrade(cfg, "head")
        with engine.connect() as c:
            rows = c.execute(text(
                "SELECT r.id, r.status, j.kind, j.status AS job_status, j.progress, j.processed, j.message, "
                "j.params ->> 'run_id' AS run_id FROM typing_run r JOIN jobs j ON j.id = r.job_id ORDER BY r.id"
            )).mappings().all()
            columns = {r[0] for r in c.execute(text(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'typing_run'"))}
        got = {r["id"]: (r["status"], r["kind"], r["job_status"], r["progress"], r["processed"], r["run_id"])
               for r in rows}
        assert got == {
            "ty_old1": ("published", "typing_run", "completed", 1.0, 7, "ty_old1"),
            # The old claim loop's running run: its worker is gone; the job loop takes it up from a clean slate.
            "ty_old2": ("queued", "typing_run", "queued", 0.0, 0, "ty_old2"),
            "ty_old3": ("queued", "typing_run", "queued", 0.0, 0, "ty_old3"),
            "ty_old4": ("failed", "typing_run", "failed", 0.0, 0, "ty_old4"),
        }
        assert next(r["message"] for r in rows if r["id"] == "ty_old4") == "分型运行出错"
        assert {"job_id", "published_through"} <= columns and "heartbeat_at" not in columns
    finally:
        engine.dispose()


def test_the_head_revision_builds_what_the_models_say(db_url):
    assert testing.schema_drift(db_url, Base.metadata) == []
