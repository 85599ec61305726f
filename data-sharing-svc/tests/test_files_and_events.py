"""File batches as jobs, the registry projection and the facts events, on PostgreSQL and Kafka."""
from __future__ import annotations

import io
import json
import threading

import pytest
from kafka import KafkaConsumer
from sqlalchemy import text

from getihu_kit import testing
from getihu_kit.bus import make_producer
from getihu_kit.produce import BatchProducer
from getihu_kit.consumer import ConsumerRunner
from getihu_kit.db import make_sessionmaker
from getihu_kit.events import DATA_SHARING_FACTS, REGISTRY_BUSINESS, make_event, physical
from getihu_kit.jobs import job_loop
from getihu_kit.outbox import OutboxRelay
from getihu_kit.schemas.data_sharing import facts_key
from getihu_kit.schemas.registry import BusinessState, OperatorPeriod, OperatorState
from data_sharing_svc import service
from data_sharing_svc.consumers import subscriptions
from data_sharing_svc.models import inbox, outbox

YEAR = 2025


@pytest.fixture(scope="module")
def worker_jobs(engine):
    """The worker's job loop, running as in the worker process."""
    stop = threading.Event()
    t = threading.Thread(target=job_loop(service.job_store, {service.FILE_JOB: service.process_file}, idle_wait_s=0.1),
                         args=(engine, make_sessionmaker(engine), stop), daemon=True)
    t.start()
    yield
    stop.set()
    t.join(10)


@pytest.fixture(scope="module")
def tax(token):
    return token("tax-file-bureau", ["agency"], dataset="tax")


def upload(client, headers, body: bytes, dataset="tax", ctype="text/csv", year=YEAR):
    return client.post("/api/v1/data-sharing/batches/files", params={"dataset": dataset, "year": year},
                       content=body, headers={**headers, "Content-Type": ctype})


def wait_job(client, headers, job_id: str) -> dict:
    return testing.wait_until(
        lambda: (lambda j: j if j["status"] in ("completed", "failed") else None)(
            client.get(f"/api/v1/jobs/{job_id}", headers=headers).json()), timeout=60, message="job finished")


def outbox_count(engine, key: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM outbox WHERE aggregateid = :k"), {"k": key}).scalar()


def test_a_csv_file_is_a_job_with_a_row_report_and_a_resubmission_changes_nothing(
        client, tax, token, engine, worker_jobs, new_uscc):
    usccs = [new_uscc() for _ in range(3)]
    csv = ("uscc,tax_paid,general_taxpayer,abnormal_taxpayer,extra\n"
           f"{usccs[0]},12.30,是,否,x\n"
           f"{usccs[1]},abc,true,false,\n"
           "\n"
           f"{usccs[2]},0,1,0,\n").encode()
    r = upload(client, tax, csv)
    assert r.status_code == 202, r.text
    accepted = r.json()
    assert accepted["id"].startswith("ds_") and accepted["batch_id"].startswith("dsb_")
    job = wait_job(client, tax, accepted["id"])
    assert (job["status"], job["accepted"], job["rejected"]) == ("completed", 2, 1)
    assert job["errors"] == [{"row": 2, "field": "tax_paid", "message": job["errors"][0]["message"]}]
    batch = client.get(f"/api/v1/data-sharing/batches/{accepted['batch_id']}", headers=tax).json()
    assert (batch["status"], batch["source"], batch["changed"], batch["duplicate_of"]) == ("completed", "file", 2, None)
    assert outbox_count(engine, facts_key(usccs[0], YEAR)) == 1

    again = upload(client, tax, csv).json()
    job2 = wait_job(client, tax, again["id"])
    assert (job2["status"], job2["accepted"], job2["rejected"]) == ("completed", 2, 1)
    batch2 = client.get(f"/api/v1/data-sharing/batches/{again['batch_id']}", headers=tax).json()
    assert batch2["changed"] == 0 and batch2["duplicate_of"] == accepted["batch_id"]
    assert outbox_count(engine, facts_key(usccs[0], YEAR)) == 1
    # another agency cannot even see the job
    assert client.get(f"/api/v1/jobs/{again['id']}", headers=token("hr", ["agency"], dataset="social_insurance")
                      ).status_code == 404


def test_an_xlsx_file_of_certificates(client, token, worker_jobs, new_uscc):
    from openpyxl import Workbook
    u = new_uscc()
    wb = Workbook()
    ws = wb.active
    ws.append(["uscc", "kind", "issued_on", "expires_on"])
    ws.append([u, "老字号", "2024-03-01", None])
    ws.append([u, "非遗", "2024-03-01", "2023-01-01"])
    buf = io.BytesIO()
    wb.save(buf)
    dept = token("culture-1", ["agency"], dataset="certificate")
    r = upload(client, dept, buf.getvalue(), dataset="certificate",
               ctype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    job = wait_job(client, dept, r.json()["id"])
    assert (job["status"], job["accepted"], job["rejected"]) == ("completed", 1, 1)
    assert job["errors"][0]["row"] == 2 and job["errors"][0]["field"] == "expires_on"


def test_a_file_missing_a_required_column_fails_with_the_column_named(client, tax, worker_jobs):
    r = upload(client, tax, b"uscc,tax_paid\n")
    job = wait_job(client, tax, r.json()["id"])
    assert job["status"] == "failed" and {e["field"] for e in job["errors"]} == {"general_taxpayer", "abnormal_taxpayer"}


@pytest.mark.parametrize("params, ctype, status", [
    ({"dataset": "tax", "year": YEAR}, "application/pdf", 415),
    ({"dataset": "tax", "year": 1900}, "text/csv", 422),
    ({"dataset": "social_insurance", "year": YEAR}, "text/csv", 403),
])
def test_bad_uploads_are_refused_before_anything_is_stored(client, tax, params, ctype, status):
    r = client.post("/api/v1/data-sharing/batches/files", params=params, content=b"uscc\n",
                    headers={**tax, "Content-Type": ctype})
    assert r.status_code == status and r.headers["content-type"].startswith("application/problem+json")


def _state(uscc, operator_id, version, history=()):
    return BusinessState(uscc=uscc, name="小店", region_code="232721", established_on="2020-01-01",
                         operator=OperatorState(name="李四", id_number=operator_id), version=version,
                         operator_history=[OperatorPeriod(name="前任", id_number=h) for h in history])


def test_debtor_listings_reach_businesses_through_their_operators_and_facts_reach_kafka(
        client, token, engine, settings, kafka_bootstrap, new_uscc, new_id_number):
    prefix = settings.topic_prefix
    producer = make_producer(kafka_bootstrap)
    sessions = make_sessionmaker(engine)
    sub = subscriptions()[0]
    sub.name = f"{sub.name}.{prefix}"
    runner = ConsumerRunner(sub, sessions=sessions, inbox=inbox, bootstrap=kafka_bootstrap, topic_prefix=prefix,
                            producer=producer)
    stop = threading.Event()
    t = threading.Thread(target=runner.run, args=(stop,), daemon=True)
    t.start()
    try:
        u, old_op, new_op = new_uscc(), new_id_number(), new_id_number()

        def publish(state):
            ev = make_event(state, source="/getihu/registry", subject=state.uscc)
            producer.send(physical(REGISTRY_BUSINESS, prefix), key=state.uscc.encode(),
                          value=ev.model_dump_json().encode()).get(timeout=30)
        publish(_state(u, old_op, 1))
        testing.wait_until(lambda: _projected(engine, u), message="projection")
        court = token("court-2", ["agency"], dataset="dishonest_debtor")
        r = client.post("/api/v1/data-sharing/batches", headers=court, json={
            "dataset": "dishonest_debtor", "year": YEAR, "records": [{"id_number": old_op, "listed_on": "2025-01-05"}]})
        assert r.json()["accepted"] == 1
        assert outbox_count(engine, facts_key(u, YEAR)) == 1

        publish(_state(u, new_op, 2, history=[old_op]))  # operator change: facts re-emitted
        testing.wait_until(lambda: outbox_count(engine, facts_key(u, YEAR)) == 2, message="facts re-emitted")
        publish(_state(u, old_op, 1))  # an old snapshot arriving late changes nothing
        publish(_state(u, new_op, 2, history=[old_op]))  # nor does the same state again
        testing.wait_until(lambda: runner.applied >= 4, message="all states applied")
        assert outbox_count(engine, facts_key(u, YEAR)) == 2

        relay_producer = BatchProducer(kafka_bootstrap)
        relay = OutboxRelay(engine, outbox, relay_producer, topic_prefix=prefix)
        while relay.publish_batch():
            pass
        relay_producer.close()
        consumer = KafkaConsumer(physical(DATA_SHARING_FACTS, prefix), bootstrap_servers=kafka_bootstrap,
                                 auto_offset_reset="earliest", enable_auto_commit=False, consumer_timeout_ms=5000)
        mine = [json.loads(m.value) for m in consumer if m.key == facts_key(u, YEAR).encode()]
        consumer.close()
        assert [m["data"]["version"] for m in mine] == [1, 2]
        last = mine[-1]["data"]["dishonest_debtors"]
        assert [(d["id_number"], d["current_operator"], d["listed_on"]) for d in last] == [(old_op, False, "2025-01-05")]
        assert mine[-1]["type"] == "getihu.data-sharing.facts.changed.v1" and mine[-1]["subject"] == facts_key(u, YEAR)
    finally:
        stop.set()
        t.join(10)
        producer.close()


def _projected(engine, uscc) -> bool:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM business_projection WHERE uscc = :u"), {"u": uscc}).scalar() == 1


def test_a_file_of_several_chunks_applies_each_business_in_file_order(client, tax, engine, worker_jobs, new_uscc):
    """Chunks are applied on parallel lanes; a business's later row must still win, and its facts
    events must carry increasing versions in outbox order."""
    usccs = [new_uscc() for _ in range(12_000)]
    twice = usccs[0]
    lines = ["uscc,tax_paid,general_taxpayer,abnormal_taxpayer", f"{twice},1.00,false,false"]
    lines += [f"{u},2.00,false,false" for u in usccs[1:]]
    lines.append(f"{twice},3.00,true,false")  # the same business again, two chunks later
    job = wait_job(client, tax, upload(client, tax, ("\n".join(lines) + "\n").encode()).json()["id"])
    assert (job["status"], job["accepted"], job["rejected"]) == ("completed", 12_001, 0)
    with engine.connect() as conn:
        current = conn.execute(text("SELECT data FROM current_records WHERE dataset = 'tax' AND key = :k"),
                               {"k": twice}).scalar_one()
        versions = conn.execute(text("SELECT count(*) FROM record_versions WHERE dataset = 'tax' AND key = :k"),
                                {"k": twice}).scalar_one()
        events = conn.execute(text("SELECT payload FROM outbox WHERE aggregateid = :k ORDER BY seq"),
                              {"k": facts_key(twice, YEAR)}).scalars().all()
        keys = {facts_key(u, YEAR) for u in usccs}
        total = sum(1 for k in conn.execute(text("SELECT aggregateid FROM outbox")).scalars() if k in keys)
    assert current["tax_paid"] == "3.00" and versions == 2 and total == 12_001
    assert [(json.loads(e)["data"]["version"], json.loads(e)["data"]["tax"]["tax_paid"]) for e in events] == \
        [(1, "1.00"), (2, "3.00")]
