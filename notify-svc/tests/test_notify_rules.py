"""Rules and texts without a database: measures per type (附件1 一（五）), templates, backoff, rate limit,
reminder seasons."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, strategies as st

from getihu_kit.events import make_event
from getihu_kit.schemas.appeal import AppealDecided, AppealFiled
from getihu_kit.schemas.cultivation import ApplicationChanged, RecognitionChanged, SupportMeasuresGranted
from getihu_kit.schemas.typing import Correction, TypingResultPublished
from notify_svc import consumers, templates
from notify_svc.delivery import backoff, rate_limited_until
from notify_svc.measures import measures_for_type
from notify_svc.reminders import annual_report_due, info_report_due, validity_warning_days

NOW = dt.datetime(2026, 8, 20, 9, 0, tzinfo=dt.timezone.utc)
USCC = "92232701MA00000001"


@pytest.mark.parametrize("type_code,letters", [
    ("survival", "ABCDEFGHI"),       # 1.“生存型”个体工商户帮扶措施：A.–I.
    ("growth", "ABCDEF"),            # 2.“成长型”个体工商户帮扶措施：A.–F.
    ("development", "ABCDEFGHIJ"),   # 3.“发展型”个体工商户帮扶措施：A.–J.
    ("excluded", ""),                # 不符合分型条件: no type, no measures
])
def test_each_type_earns_the_measures_of_its_clause(type_code, letters):
    codes = [m["code"] for m in measures_for_type(type_code)]
    assert codes == [f"{type_code}.{x}" for x in letters]


def _result(**kw):
    base = dict(uscc=USCC, year=2026, type="growth", ruleset="2024.1", run_id="ty_run1", published_at=NOW)
    return make_event(TypingResultPublished(**{**base, **kw}), source="typing", subject=USCC)


def test_type_published_message_names_the_type_and_lists_its_measures():
    [w] = consumers.typing_result_messages(_result(type="development"), {USCC: ("兴安小吃店", "232701")})
    title, body = templates.current(w.template).render(w.data)
    assert w.template == "typing.result" and w.recipient == f"uscc:{USCC}"
    assert "发展型" in title and "兴安小吃店" in body and "免申即享" in body
    assert "A. 鼓励引导转型升级为企业" in body and "J. 其他符合“发展型”" in body


def test_excluded_business_is_told_why_and_never_given_a_type():
    [w] = consumers.typing_result_messages(_result(type="excluded", reasons=["annual_report_submitted"]), {})
    title, body = templates.current(w.template).render(w.data)
    assert w.template == "typing.excluded"
    assert "不符合分型条件" in title and "上一年度未报送年度报告" in body and "生存型" not in body


def test_correction_uses_its_own_template_with_the_appeal():
    e = _result(type="growth", version=2, correction=Correction(appeal_id="ap_1", reason="社保记录补录"))
    [w] = consumers.typing_result_messages(e, {})
    title, body = templates.current(w.template).render(w.data)
    assert w.template == "typing.corrected" and "成长型" in title and "ap_1" in body and "社保记录补录" in body


def test_appeal_events_reach_the_appellant_and_the_handling_county():
    filed = make_event(AppealFiled(appeal_id="ap_9", target_kind="typing_result", uscc=USCC, year=2026,
                                   region_code="232721", appellant="op-1", grounds="雇员人数有误",
                                   filed_at=NOW, due_on=dt.date(2026, 9, 5)), source="appeal", subject=USCC)
    decided = make_event(AppealDecided(appeal_id="ap_9", target_kind="typing_result", uscc=USCC, year=2026,
                                       region_code="232721", appellant="op-1", decision="upheld",
                                       corrected_type="growth", reason="经核实", decided_at=NOW),
                         source="appeal", subject=USCC)
    ws = consumers.appeal_filed_messages(filed, {}) + consumers.appeal_decided_messages(decided, {})
    assert [(w.recipient, w.template) for w in ws] == [
        ("user:op-1", "appeal.filed.appellant"), ("region:232721", "appeal.filed.staff"),
        ("user:op-1", "appeal.decided.appellant"), ("region:232721", "appeal.decided.staff")]
    for w in ws:
        templates.current(w.template).render(w.data)
    assert "成长型" in templates.current(ws[2].template).render(ws[2].data)[1]


@pytest.mark.parametrize("status,template", [
    ("granted", "cultivation.recognition.granted"), ("extended", "cultivation.recognition.extended"),
    ("cancelled", "cultivation.recognition.cancelled"), ("revoked", "cultivation.recognition.revoked"),
    ("expired", "cultivation.recognition.expired"),
])
def test_each_recognition_step_has_its_message(status, template):
    e = make_event(RecognitionChanged(recognition_id="cu_r1", uscc=USCC, region_code="232701", category="quality",
                                      status=status, recognised_on=dt.date(2026, 11, 20),
                                      valid_until=dt.date(2029, 11, 19), benefits_from=dt.date(2027, 1, 1),
                                      reason="不再符合条件", changed_at=NOW), source="cultivation", subject=USCC)
    [w] = consumers.recognition_messages(e, {})
    title, body = templates.current(w.template).render(w.data)
    assert w.template == template and "优质类" in title


@pytest.mark.parametrize("status,template", [
    ("in_review", "cultivation.application"), ("material_requested", "cultivation.material_requested"),
    ("refused", "cultivation.application"),
])
def test_application_steps_and_the_request_for_material(status, template):
    e = make_event(ApplicationChanged(application_id="cu_a1", uscc=USCC, region_code="232701", year=2026,
                                      category="distinctive", source="self", status=status, reason="缺少营业执照复印件",
                                      due_on=dt.date(2026, 9, 30), changed_at=NOW), source="cultivation", subject=USCC)
    [w] = consumers.application_messages(e, {})
    assert w.template == template
    _, body = templates.current(w.template).render(w.data)
    assert "特色类" in body and "缺少营业执照复印件" in body


def test_granted_measures_come_from_the_event_not_the_local_copy():
    e = make_event(SupportMeasuresGranted(uscc=USCC, basis="type:growth", year=2026, measures=[
        {"code": "growth.A", "title": "首贷续贷支持（县农商行）", "department": "金融办"}]),
        source="cultivation", subject=USCC)
    [w] = consumers.measures_messages(e, {})
    _, body = templates.current(w.template).render(w.data)
    assert "首贷续贷支持（县农商行）（金融办）" in body and "职业技能培训补贴" not in body


@pytest.mark.parametrize("attempts,seconds", [(1, 30), (2, 60), (3, 120), (4, 240)])
def test_backoff_doubles_after_each_failure(attempts, seconds):
    assert backoff(attempts=attempts, base_s=30) == dt.timedelta(seconds=seconds)


@given(st.integers(min_value=1, max_value=20), st.floats(min_value=0.1, max_value=100))
def test_backoff_never_shrinks(attempts, base):
    assert backoff(attempts=attempts + 1, base_s=base) >= backoff(attempts=attempts, base_s=base)


@pytest.mark.parametrize("sent,expected_minutes", [(0, None), (2, None), (3, 20), (5, 20)])
def test_rate_limit_defers_to_when_the_hour_has_room(sent, expected_minutes):
    oldest = NOW - dt.timedelta(minutes=40)
    until = rate_limited_until(sent=sent, oldest_sent_at=oldest, limit=3, now=NOW)
    assert until == (None if expected_minutes is None else NOW + dt.timedelta(minutes=expected_minutes))


@pytest.mark.parametrize("today,expected", [
    (dt.date(2026, 5, 30), None),                                # before the last 30 days
    (dt.date(2026, 5, 31), (2025, dt.date(2026, 6, 30))),        # 每年1月1日至6月30日报送上一年度年度报告
    (dt.date(2026, 6, 30), (2025, dt.date(2026, 6, 30))),        # the due day itself
    (dt.date(2026, 7, 1), None),                                 # after the deadline
])
def test_annual_report_reminder_season_ends_on_30_june(today, expected):
    assert annual_report_due(today) == expected


@pytest.mark.parametrize("today,expected", [
    (dt.date(2026, 6, 30), None), (dt.date(2026, 7, 1), dt.date(2026, 7, 31)),
    (dt.date(2026, 7, 31), dt.date(2026, 7, 31)), (dt.date(2026, 8, 1), None),
])
def test_info_report_reminder_season_ends_on_31_july(today, expected):
    assert info_report_due(today) == expected


def test_validity_warning_is_a_dated_parameter():
    assert validity_warning_days(dt.date(2026, 1, 1)) == 90


def test_every_template_version_is_chinese_and_unique():
    assert len(templates.ALL_VERSIONS) == len({(t.code, t.version) for t in templates.ALL_VERSIONS.values()})
    for t in templates.ALL_VERSIONS.values():
        assert any("\u4e00" <= ch <= "\u9fff" for ch in t.title + t.body)


def test_the_documented_enums_are_the_service_s():
    from typing import get_args

    from notify_svc import schemas, service
    assert set(get_args(schemas.DeliveryState)) == set(service.DELIVERY_STATUSES)
    assert set(get_args(schemas.Channel)) == set(service.CHANNELS)
