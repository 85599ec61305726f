"""kit.export_jobs on the real server: a list exported by the job loop into chunks larger than one,
read back whole; a job taken up again starts its file anew; the download waits for the file, is kept
for its time and then removed; only its region (or the prefecture) has it."""
from __future__ import annotations

import csv
import datetime as dt
import io
import threading

import pytest
from sqlalchemy import Column, Integer, String, Table, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from getihu_kit import testing
from getihu_kit.auth import Principal
from getihu_kit.db import make_engine, make_metadata
from getihu_kit.errors import Conflict, Forbidden
from getihu_kit.export_jobs import ExportJobs, ExportList, Gone, export_files_table
from getihu_kit.jobs import JobStore, Progress, job_loop, jobs_tables

md = make_metadata()
JOBS, CHUNKS = jobs_tables(md)
FILES = export_files_table(md)
ITEMS = Table("items", md, Column("id", Integer, primary_key=True), Column("region_code", String(6)),
              Column("label", String(200)))
N = 9000  # with the long labels below, well over one 1 MiB chunk of CSV


def _query(f: dict):
    q = select(ITEMS.c.id, ITEMS.c.label)
    if f.get("region_code"):
        q = q.where(ITEMS.c.region_code == f["region_code"])
    return q.order_by(ITEMS.c.id)


LIST = ExportList(title="测试清单", header=("编号", "名称"), query=_query,
                  shape=lambda f: lambda r: (r.id, f"{r.label}（{f.get('region_code') or '全区'}）"))
COUNTY = Principal(sub="clerk", roles=frozenset({"county_staff"}), region_code="232701")
OTHER = Principal(sub="other", roles=frozenset({"county_staff"}), region_code="232721")
PREFECTURE = Principal(sub="pref", roles=frozenset({"prefecture_staff"}))


@pytest.fixture(scope="module")
def engine():
    e = make_engine(testing.fresh_database("kit_export_jobs_test", None))
    md.create_all(e)
    with e.begin() as c:
        c.execute(insert(ITEMS), [{"id": i, "region_code": "232701" if i % 3 else "232721", "label": "山货" * 60}
                                  for i in range(1, N + 1)])
    yield e
    e.dispose()


def _request(engine, jobs: ExportJobs, fmt: str = "csv") -> str:
    with Session(engine) as s, s.begin():
        return jobs.request(s, list_name="items", fmt=fmt, filters={"region_code": "232701"}, region_code="232701",
                            principal=COUNTY).id


def _job(engine, jobs: ExportJobs, job_id: str, who: Principal = COUNTY) -> dict:
    with Session(engine) as s:
        return jobs.job(s, job_id, who)


def _file(engine, jobs: ExportJobs, job_id: str) -> bytes:
    with Session(engine) as s:
        body, media, name = jobs.download(s, engine, jobs.job(s, job_id, COUNTY))
        assert name == "测试清单.csv" and media.startswith("text/csv")
        return b"".join(body)


def test_the_job_loop_writes_the_file_in_chunks_and_only_its_region_downloads_it(engine):
    jobs = ExportJobs(JobStore(JOBS, CHUNKS, "kx_"), FILES, {"items": LIST})
    job_id = _request(engine, jobs)
    with pytest.raises(Conflict):
        _file(engine, jobs, job_id)  # not written yet
    stop = threading.Event()
    loop = threading.Thread(target=job_loop(jobs.store, jobs.processors(), idle_wait_s=0.05),
                            args=(engine, sessionmaker(engine), stop))
    loop.start()
    try:
        done = testing.wait_until(lambda: (j := _job(engine, jobs, job_id))["status"] == "completed" and j,
                                  timeout=60, message="the export job")
    finally:
        stop.set()
        loop.join()
    expected = [i for i in range(1, N + 1) if i % 3]
    assert (done["progress"], done["processed"], done["accepted"]) == (1.0, len(expected), len(expected))
    with engine.connect() as c:
        assert len(c.execute(select(FILES.c.seq).where(FILES.c.job_id == job_id)).all()) > 1
    rows = list(csv.reader(io.StringIO(_file(engine, jobs, job_id).decode("utf-8-sig"))))
    assert rows[0] == ["编号", "名称"] and [int(r[0]) for r in rows[1:]] == expected
    assert rows[1][1].endswith("（232701）")
    with pytest.raises(Forbidden):
        _job(engine, jobs, job_id, OTHER)
    assert _job(engine, jobs, job_id, PREFECTURE)["id"] == job_id


def test_a_job_taken_up_again_starts_its_file_anew(engine):
    jobs = ExportJobs(JobStore(JOBS, CHUNKS, "ky_"), FILES, {"items": LIST})
    job_id = _request(engine, jobs)
    with engine.begin() as c:  # a worker died after writing part of the file
        c.execute(insert(FILES).values(job_id=job_id, seq=7, data=b"half a file"))
    job = jobs.store.claim(engine)
    while job["id"] != job_id:  # another test's job left queued
        jobs.store.abandon(job["id"])
        job = jobs.store.claim(engine)
    progress = Progress(jobs.store, engine, job, 0)
    jobs.process(engine, sessionmaker(engine), job, iter(()), progress)
    jobs.store.finish(engine, job_id, status="completed", processed=progress.processed, accepted=progress.accepted,
                      rejected=0, errors=[])
    body = _file(engine, jobs, job_id)
    assert b"half a file" not in body and len(list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))) == 6001


def test_a_file_is_kept_for_its_time_then_removed(engine):
    jobs = ExportJobs(JobStore(JOBS, CHUNKS, "kz_"), FILES, {"items": LIST}, ttl=dt.timedelta(days=1))
    old = _request(engine, jobs)
    with engine.begin() as c:
        c.execute(insert(FILES).values(job_id=old, seq=0, data=b"x"))
        c.execute(update(JOBS).where(JOBS.c.id == old).values(
            status="completed", progress=1.0, finished_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=2)))
    with pytest.raises(Gone):
        _file(engine, jobs, old)
    _request(engine, jobs)  # a new request cleans up what is past its time
    with engine.connect() as c:
        assert c.execute(select(FILES.c.seq).where(FILES.c.job_id == old)).all() == []
