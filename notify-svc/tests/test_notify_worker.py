"""The worker as it runs in production: consumers, the delivery loop and the reminder loop in one
process. A business's registry state and its published type go onto Kafka; the operator's e-mail
arrives at the real local SMTP server and the SMS at the provider, with no call from the test."""
from __future__ import annotations

from getihu_kit import clock, testing
from getihu_kit.bus import make_producer
from getihu_kit.events import REGISTRY_BUSINESS, make_event, physical
from getihu_kit.schemas.typing import TypingResultPublished
from getihu_kit.worker import Worker
from notify_svc.settings import Settings
from notify_svc.worker import spec

from notify_factories import business_state, new_uscc


def test_worker_consumes_and_delivers_by_email_and_sms(db_url, topic_prefix, smtp_server, sms_provider):
    u = new_uscc("232763")
    email = f"{u.lower()}@example.cn"
    state = business_state(u, region="232763", name="新林木耳铺", email=email, phone="13511112222")
    result = make_event(TypingResultPublished(uscc=u, year=2026, type="survival", region_code="232763",
                                              ruleset="2024.1", run_id="ty_w", published_at=clock.now()),
                        source="typing", subject=u)
    settings = Settings(database_url=db_url, topic_prefix=topic_prefix, kafka_bootstrap=testing.KAFKA,
                        smtp_host="127.0.0.1", smtp_port=smtp_server.port, sms_url=sms_provider.url,
                        delivery_poll_s=0.2, consumer_threads=1)
    worker = Worker(spec(settings))
    worker.start()
    try:
        producer = make_producer(testing.KAFKA)
        producer.send(physical(REGISTRY_BUSINESS, topic_prefix), key=u.encode(),
                      value=state.model_dump_json().encode())
        producer.flush(30)
        # The business first, so the message can address it by name.
        testing.wait_until(lambda: worker.runners[0].applied >= 1, timeout=60, message="registry state applied")
        producer.send(physical(TypingResultPublished.topic, topic_prefix), key=u.encode(),
                      value=result.model_dump_json().encode())
        producer.flush(30)
        producer.close()
        mail = testing.wait_until(lambda: [m for rcpt, m in smtp_server.handler.messages if rcpt == [email]],
                                  timeout=60, message="the e-mail at the SMTP server")
        sms = testing.wait_until(lambda: [r for r in sms_provider.requests if r["body"]["phone"] == "13511112222"],
                                 timeout=30, message="the SMS at the provider")
    finally:
        worker.shutdown()
    assert mail[0]["Subject"] == "2026年度个体工商户分型结果：生存型"
    body = mail[0].get_content()
    assert "新林木耳铺" in body and "I. 其他符合“生存型”个体工商户特点的政策措施" in body
    assert sms[0]["body"]["text"] == "【个体工商户服务】2026年度个体工商户分型结果：生存型。详情请登录个体工商户服务平台查看站内信。"
