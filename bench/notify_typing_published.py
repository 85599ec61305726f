"""Benchmark of notify-svc: one typing-published of 40,000 businesses.

40,000 TypingResultPublished events (one per business, as typing-svc publishes them) are produced to
Kafka first; then notify-svc's worker starts (its real consumers: batch handlers, multi-row inserts)
and the clock runs until all 40,000 inbox notifications exist. Every business has a phone and an
e-mail in the contact projection and both channels are configured, so each poll also creates the
e-mail and SMS delivery rows (80,000 in all). The delivery loop itself is not run: sending is limited
by the SMTP server and the SMS provider, not by this service, and is outside the target.

Contacts are bulk-generated straight into the projection table with server-side SQL; the benchmark
measures the notifications, not the projection.

Usage: DATABASE_URL=postgresql+psycopg://user:pw@host:port/ python bench/notify_typing_published.py [--n 40000]
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import time
from pathlib import Path

from sqlalchemy import text

from getihu_kit import testing
from getihu_kit.bus import ensure_topics, make_producer
from getihu_kit.events import make_event, physical
from getihu_kit.schemas.typing import TypingResultPublished
from getihu_kit.worker import Worker
from notify_svc.settings import MIGRATIONS
from notify_svc.settings import Settings
from notify_svc.worker import spec

TARGET_S = 20.0
RESULTS = Path(__file__).resolve().parent / "results" / "notify.md"
TYPES = ["survival"] * 70 + ["growth"] * 20 + ["development"] * 7 + ["excluded"] * 3
REGIONS = ["232701", "232721", "232722", "232761", "232762", "232763", "232764"]


def uscc(i: int) -> str:
    return f"92{REGIONS[i % 7]}{i:09d}X"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=40_000)
    args = ap.parse_args()
    n = args.n
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("set DATABASE_URL to a PostgreSQL server")

    url = testing.fresh_database("bench_notify", MIGRATIONS)
    prefix = testing.unique_prefix()
    ensure_topics(testing.KAFKA, prefix)  # the catalogue's partitions (6 for per-business results)
    settings = Settings(database_url=url, topic_prefix=prefix, kafka_bootstrap=testing.KAFKA,
                        smtp_host="127.0.0.1", smtp_port=2525, sms_url="http://127.0.0.1:9/sms")

    from sqlalchemy import create_engine
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("""
            INSERT INTO contacts (uscc, name, region_code, status, established_on, operator_name, phone, email,
                                  last_report_year, version)
            SELECT '92' || (ARRAY['232701','232721','232722','232761','232762','232763','232764'])[1 + (g % 7)]
                   || lpad(g::text, 9, '0') || 'X',
                   '兴安小店' || g, (ARRAY['232701','232721','232722','232761','232762','232763','232764'])[1 + (g % 7)],
                   'registered', DATE '2015-01-01' + (g % 3000), '经营者' || g,
                   '139' || lpad(g::text, 8, '0'), 'shop' || g || '@example.cn', 2024, 1
            FROM generate_series(0, :n - 1) g"""), {"n": n})

    published_at = dt.datetime(2025, 8, 10, 9, 0, tzinfo=dt.timezone.utc)
    t0 = time.monotonic()
    producer = make_producer(testing.KAFKA)
    topic = physical(TypingResultPublished.topic, prefix)
    for i in range(n):
        u = uscc(i)
        e = make_event(TypingResultPublished(uscc=u, year=2025, type=TYPES[i % 100], region_code=REGIONS[i % 7],
                                             reasons=["abnormal"] if TYPES[i % 100] == "excluded" else [],
                                             ruleset="2024.1", run_id="ty_bench", published_at=published_at),
                       source="typing", subject=u)
        producer.send(topic, key=u.encode(), value=e.model_dump_json().encode())
    producer.flush(120)
    producer.close()
    produce_s = time.monotonic() - t0

    worker_spec = spec(settings)
    worker_spec.loops = []  # consumption only: see the module docstring
    worker = Worker(worker_spec)
    t1 = time.monotonic()
    worker.start()
    count = 0
    try:
        while time.monotonic() - t1 < 300:
            with engine.connect() as conn:
                count = conn.execute(text("SELECT count(*) FROM notifications")).scalar_one()
            if count >= n:
                break
            time.sleep(0.1)
        elapsed = time.monotonic() - t1
    finally:
        worker.shutdown()
    with engine.connect() as conn:
        deliveries = conn.execute(text("SELECT count(*) FROM deliveries")).scalar_one()
        dup = conn.execute(text("SELECT count(*) - count(DISTINCT recipient) FROM notifications")).scalar_one()
        span = conn.execute(text("SELECT extract(epoch FROM max(created_at) - min(created_at)) FROM notifications"
                                 )).scalar_one()
    engine.dispose()

    load = os.getloadavg()
    ok = count == n and elapsed <= TARGET_S and dup == 0
    rate = count / elapsed if elapsed else 0.0
    lines = [
        "# notify-svc: one typing-published of 40,000 businesses",
        "",
        f"Run {dt.datetime.now(dt.timezone.utc).isoformat(timespec='minutes')} on {platform.node()} "
        f"({os.cpu_count()} cores, shared with other engineers' test runs and services at the time; "
        f"Kafka and PostgreSQL shared too; load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} "
        "at the end of the run).",
        "",
        f"- events: {n:,} TypingResultPublished on Kafka (produced in {produce_s:.1f} s, before the clock starts)",
        f"- inbox notifications created: {count:,} in **{elapsed:.1f} s** from worker start "
        f"(includes the consumer joining its group) → **{rate:,.0f} notifications/s**",
        f"- from the first poll's notifications to the last poll's: {float(span or 0):.1f} s "
        "(the rest is the worker's start: migrations check, the consumers joining the group)",
        f"- delivery rows created alongside (e-mail + SMS, not sent): {deliveries:,}",
        f"- duplicates: {dup}",
        f"- target: all {n:,} in ≤ {TARGET_S:.0f} s → {'met' if ok else 'MISSED'}",
        "",
        f"How: one consumer group of {settings.consumer_threads} consumer threads in the worker (Kafka splits the "
        "6 partitions among them), the kit's default 500 records per poll; per poll one inbox insert, one upsert "
        "of the typed-business projection, one names lookup, one INSERT … SELECT FROM jsonb_to_recordset(…) "
        "ON CONFLICT DO NOTHING RETURNING of the notifications (one JSON parameter, not thousands of "
        "placeholders) and one INSERT … SELECT creating the e-mail and SMS deliveries.",
        "",
        f"Reproduce: `DATABASE_URL=postgresql+psycopg://… python bench/notify_typing_published.py --n {n}`",
        "",
    ]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
