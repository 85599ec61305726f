"""Factories of registry-svc's tests: valid businesses (check digits right) in one line, topic reads."""
from __future__ import annotations

import itertools
import json
import random

from kafka import KafkaConsumer, TopicPartition

from getihu_kit.domain import id_number, uscc
from getihu_kit.events import physical
from registry_svc.settings import Settings

_serials = itertools.count(random.randrange(10_000, 90_000) * 1000)


def new_uscc(region: str = "232701") -> str:
    return uscc.make(region, serial=next(_serials))


def business_doc(region: str = "232701", **over) -> dict:
    n = next(_serials)
    doc = {"uscc": uscc.make(region, serial=n), "name": f"兴安山货店{n}",
           "operator": {"name": "王小二", "id_number": id_number.make(serial=n), "phone": "13912345678"},
           "region_code": region, "industry_code": "F5225", "established_on": "2019-05-01",
           "address": "加格达奇区人民路1号", "business_scope": "山货零售"}
    doc.update(over)
    return doc


def topic_messages(settings: Settings, topic: str, key: str | None = None, timeout_ms: int = 1500) -> list[dict]:
    """Every message of a (one-partition) topic from the beginning, optionally only one key's."""
    consumer = KafkaConsumer(bootstrap_servers=settings.kafka_bootstrap, enable_auto_commit=False,
                             consumer_timeout_ms=timeout_ms)
    tp = TopicPartition(physical(topic, settings.topic_prefix), 0)
    consumer.assign([tp])
    consumer.seek_to_beginning(tp)
    out = [json.loads(m.value) for m in consumer if key is None or (m.key and m.key.decode() == key)]
    consumer.close()
    return out

