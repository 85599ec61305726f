"""QuestionnaireSent from Kafka to the inbox, on PostgreSQL: one message per business per questionnaire
version, however often the version is sent (a repeated event, a second send to an overlapping group)."""
from __future__ import annotations

import datetime as dt

from getihu_kit import clock
from getihu_kit.events import REGISTRY_BUSINESS
from getihu_kit.schemas.monitoring import QuestionnaireSent
from notify_svc.consumers import questionnaire_key
from notify_svc.settings import Settings

from notify_factories import business_state, new_uscc
from test_notify_consumers import ev, notifications, run_until, produce

REGION = "232723"


def sent(uscc: str, qid: str, version: int, closes_on: dt.date | None = None):
    return ev(QuestionnaireSent(questionnaire_id=qid, version=version, title="惠企政策知晓度调查", uscc=uscc,
                                region_code=REGION, sent_at=clock.now(), closes_on=closes_on), uscc)


def test_one_inbox_message_per_business_and_version(sessions, topic_prefix):
    a, b, c = new_uscc(REGION), new_uscc(REGION), new_uscc(REGION)
    qid = f"qn-{a[-8:]}"
    first = [sent(a, qid, 1, dt.date(2026, 12, 31)), sent(b, qid, 1, dt.date(2026, 12, 31))]
    settings = Settings(topic_prefix=topic_prefix)
    # the registry's state first (topics have no order between them): the message names the business
    produce(topic_prefix, [(REGISTRY_BUSINESS, business_state(a, region=REGION, name="漠河一号店"))])
    run_until(sessions, topic_prefix, "notify-questionnaires", settings, 1)
    events = [*first,
              sent(b, qid, 1), sent(c, qid, 1),      # a second send whose group overlaps the first
              sent(a, qid, 2),                       # the next version is a new questionnaire to answer
              first[0]]                              # the same event delivered again (last: the inbox drops it)
    produce(topic_prefix, events)
    run_until(sessions, topic_prefix, "notify-questionnaires", settings, len(events) - 1)

    got = notifications(sessions, template_code="monitoring.questionnaire")
    mine = [n for n in got if n.uscc in (a, b, c)]
    assert sorted((n.uscc, n.event_id) for n in mine) == sorted([
        (a, questionnaire_key(qid, 1)), (b, questionnaire_key(qid, 1)), (c, questionnaire_key(qid, 1)),
        (a, questionnaire_key(qid, 2))])
    [to_a] = [n for n in mine if n.uscc == a and n.event_id == questionnaire_key(qid, 1)]
    assert to_a.recipient == f"uscc:{a}" and to_a.region_code == REGION
    assert "漠河一号店" in to_a.body and "惠企政策知晓度调查" in to_a.title and "2026-12-31" in to_a.body
