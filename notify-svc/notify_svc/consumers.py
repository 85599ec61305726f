"""Event handlers of notify-svc: projections of other services' state, and the messages people must get.

Per-business events come in large batches (a typing-published of 40,000 businesses is 40,000
TypingResultPublished events), so they are batch handlers: one names lookup, one multi-row insert
of notifications and one INSERT … SELECT per delivery channel per poll.
"""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from getihu_kit import clock
from getihu_kit.consumer import Subscription
from getihu_kit.events import APPEAL, CULTIVATION, MONITORING, REGISTRY_ANNUAL_REPORT, REGISTRY_BUSINESS, \
    TYPING_RESULTS, TYPING_RUNS, CloudEvent
from getihu_kit.schemas.appeal import AppealDecided, AppealFiled
from getihu_kit.schemas.cultivation import ApplicationChanged, InfoReportDue, RecognitionChanged, \
    SupportMeasuresGranted, WindowOpened
from getihu_kit.schemas.monitoring import QuestionnaireSent
from getihu_kit.schemas.registry import AnnualReportClosed, BusinessState
from getihu_kit.labels import category_label, type_label
from getihu_kit.schemas.typing import TypingPublished, TypingResultPublished
from getihu_kit.upserts import newest_per_key
from notify_svc import repository, templates
from notify_svc.measures import measure_lines, measures_for_type
from notify_svc.notifying import Channels, Wanted, business, person, region, store
from notify_svc.settings import Settings

UNKNOWN_NAME = "个体工商户"
# 附件1 二（一）: categories are recognised, in principle, from 成长型 and 发展型 businesses.
WINDOW_ELIGIBLE_TYPES = ("growth", "development")

Names = dict[str, tuple[str | None, str]]
Builder = Callable[[CloudEvent, Names], list[Wanted]]


def _name(names: Names, uscc: str) -> str:
    return (names.get(uscc) or (None, ""))[0] or UNKNOWN_NAME


def _region(names: Names, uscc: str, given: str | None) -> str | None:
    return given or (names.get(uscc) or (None, None))[1]


# --- projections --------------------------------------------------------------------------------
def apply_business_states(session: Session, events: list[CloudEvent]) -> None:
    latest, _ = newest_per_key((BusinessState.model_validate(e.data) for e in events), key=lambda s: s.uscc,
                               version=lambda s: s.version)
    repository.upsert_contacts(session, [{
        "uscc": s.uscc, "name": s.name, "region_code": s.region_code, "status": s.status,
        "established_on": s.established_on, "operator_name": s.operator.name, "phone": s.operator.phone,
        "email": s.operator.email, "version": s.version,
        "last_report_year": max((r.year for r in s.annual_reports), default=None),
    } for s in latest.values()])


def apply_annual_report_closed(session: Session, event: CloudEvent) -> None:
    closed = AnnualReportClosed.model_validate(event.data)
    repository.record_closed_year(session, report_year=closed.report_year, closed_on=closed.closed_on)


# --- message builders ---------------------------------------------------------------------------
def typing_result_messages(event: CloudEvent, names: Names) -> list[Wanted]:
    r = TypingResultPublished.model_validate(event.data)
    region_code = _region(names, r.uscc, r.region_code)
    data = {"uscc": r.uscc, "name": _name(names, r.uscc), "year": r.year, "type": r.type,
            "type_label": type_label(r.type), "ruleset": r.ruleset, "run_id": r.run_id,
            "version": r.version}
    measures = measures_for_type(r.type)
    data["measures"] = measure_lines(measures)
    data["measure_codes"] = [m["code"] for m in measures]
    if r.correction is not None:
        code = "typing.corrected"
        data.update(appeal_id=r.correction.appeal_id, correction_reason=r.correction.reason,
                    measures_intro=(f"“{data['type_label']}”个体工商户免申即享以下帮扶措施（附件1 一（五））：\n"
                                    if measures else ""))
    elif r.type == "excluded":
        code = "typing.excluded"
        data["reasons"] = templates.reason_text(r.reasons)
        data["reason_codes"] = r.reasons
    else:
        code = "typing.result"
    return [Wanted(event.id, event.type, business(r.uscc), code, data, r.uscc, region_code)]


def typing_published_messages(event: CloudEvent, names: Names) -> list[Wanted]:
    p = TypingPublished.model_validate(event.data)
    out = []
    for code, counts in sorted(p.counts_by_region.items()):
        data = {"year": p.year, "run_id": p.run_id, "ruleset": p.ruleset, "region_code": code,
                **counts.model_dump()}
        out.append(Wanted(event.id, event.type, region(code), "typing.published.staff", data, None, code))
    return out


def appeal_filed_messages(event: CloudEvent, names: Names) -> list[Wanted]:
    a = AppealFiled.model_validate(event.data)
    region_code = _region(names, a.uscc, a.region_code)
    data = {"appeal_id": a.appeal_id, "uscc": a.uscc, "grounds": a.grounds, "due_on": a.due_on.isoformat(),
            "target_label": templates.TARGET_LABELS.get(a.target_kind, a.target_kind), "year": a.year}
    out = [Wanted(event.id, event.type, person(a.appellant), "appeal.filed.appellant", data, a.uscc, region_code)]
    if region_code:
        out.append(Wanted(event.id, event.type, region(region_code), "appeal.filed.staff", data, a.uscc,
                          region_code))
    return out


def appeal_decided_messages(event: CloudEvent, names: Names) -> list[Wanted]:
    a = AppealDecided.model_validate(event.data)
    region_code = _region(names, a.uscc, a.region_code)
    corrected = (f"；分型结果更正为“{type_label(a.corrected_type)}”。" if a.corrected_type else "。")
    data = {"appeal_id": a.appeal_id, "uscc": a.uscc, "decision": a.decision, "reason": a.reason,
            "decision_label": templates.DECISION_LABELS.get(a.decision, a.decision), "corrected": corrected,
            "target_label": templates.TARGET_LABELS.get(a.target_kind, a.target_kind), "year": a.year}
    out = [Wanted(event.id, event.type, person(a.appellant), "appeal.decided.appellant", data, a.uscc,
                  region_code)]
    if region_code:
        out.append(Wanted(event.id, event.type, region(region_code), "appeal.decided.staff", data, a.uscc,
                          region_code))
    return out


def application_messages(event: CloudEvent, names: Names) -> list[Wanted]:
    a = ApplicationChanged.model_validate(event.data)
    data = {"uscc": a.uscc, "name": _name(names, a.uscc), "year": a.year, "application_id": a.application_id,
            "status": a.status, "status_label": templates.APPLICATION_STATUS_LABELS.get(a.status, a.status),
            "category": a.category, "category_label": category_label(a.category),
            "reason_text": f"说明：{a.reason}。" if a.reason else "",
            "due_on": a.due_on.isoformat() if a.due_on else "规定期限"}
    code = "cultivation.material_requested" if a.status == "material_requested" else "cultivation.application"
    # One event id per step, so the same template for another step of one application is a new message.
    return [Wanted(event.id, event.type, business(a.uscc), code, data, a.uscc, a.region_code)]


def recognition_messages(event: CloudEvent, names: Names) -> list[Wanted]:
    r = RecognitionChanged.model_validate(event.data)
    code = f"cultivation.recognition.{r.status}"
    if code not in templates.CURRENT:
        return []
    data = {"uscc": r.uscc, "name": _name(names, r.uscc), "recognition_id": r.recognition_id,
            "category": r.category, "category_label": category_label(r.category), "status": r.status,
            "recognised_on": r.recognised_on.isoformat(), "valid_until": r.valid_until.isoformat(),
            "benefits_from": r.benefits_from.isoformat(), "reason_text": f"原因：{r.reason}。" if r.reason else ""}
    return [Wanted(event.id, event.type, business(r.uscc), code, data, r.uscc, r.region_code)]


def measures_messages(event: CloudEvent, names: Names) -> list[Wanted]:
    m = SupportMeasuresGranted.model_validate(event.data)
    kind, _, value = m.basis.partition(":")
    basis_label = (f"“{type_label(value)}”分型结果" if kind == "type"
                   else f"“{category_label(value)}类”认定" if kind == "category" else m.basis)
    data = {"uscc": m.uscc, "name": _name(names, m.uscc), "year": m.year, "basis": m.basis,
            "basis_label": basis_label, "measures": measure_lines(m.measures),
            "measure_codes": [x.get("code") for x in m.measures], "ruleset": m.ruleset}
    return [Wanted(event.id, event.type, business(m.uscc), "measures.granted", data, m.uscc,
                   _region(names, m.uscc, m.region_code))]


def questionnaire_key(questionnaire_id: str, version: int) -> str:
    """The notification's key: the questionnaire version, not the event, so a business gets one message
    per version however often it is sent (a repeated event, a second send to an overlapping group)."""
    return f"questionnaire:{questionnaire_id}:v{version}"


def questionnaire_messages(event: CloudEvent, names: Names) -> list[Wanted]:
    q = QuestionnaireSent.model_validate(event.data)
    data = {"uscc": q.uscc, "name": _name(names, q.uscc), "questionnaire_id": q.questionnaire_id,
            "version": q.version, "title": q.title,
            "closes_text": f"，截止日期 {q.closes_on.isoformat()}" if q.closes_on else ""}
    return [Wanted(questionnaire_key(q.questionnaire_id, q.version), event.type, business(q.uscc),
                   "monitoring.questionnaire", data, q.uscc, _region(names, q.uscc, q.region_code))]


# --- handlers -----------------------------------------------------------------------------------
def batch_of(builder: Builder, channels: Channels) -> Callable[[Session, list[CloudEvent]], None]:
    """A batch handler: one names lookup, one store() for every message of the poll."""
    def handle(session: Session, events: list[CloudEvent]) -> None:
        names = repository.contact_names(session, [e.data["uscc"] for e in events if e.data.get("uscc")])
        wanted = [w for e in events for w in builder(e, names)]
        store(session, wanted, now=clock.now(), channels=channels)
    handle.__name__ = f"batch_{builder.__name__}"
    return handle


def typing_results_handler(channels: Channels) -> Callable[[Session, list[CloudEvent]], None]:
    def handle(session: Session, events: list[CloudEvent]) -> None:
        names = repository.contact_names(session, [e.data["uscc"] for e in events])
        latest, _ = newest_per_key((e.data for e in events), key=lambda d: (d["uscc"], int(d["year"])),
                                   version=lambda d: d.get("version", 1))
        repository.upsert_typed(session, [
            {"uscc": d["uscc"], "year": int(d["year"]), "type": d["type"],
             "region_code": _region(names, d["uscc"], d.get("region_code")), "version": d.get("version", 1)}
            for d in latest.values()])
        wanted = [w for e in events for w in typing_result_messages(e, names)]
        wanted += late_window_messages(session, events, names)
        store(session, wanted, now=clock.now(), channels=channels)
    return handle


def recognitions_handler(channels: Channels) -> Callable[[Session, list[CloudEvent]], None]:
    messages = batch_of(recognition_messages, channels)

    def handle(session: Session, events: list[CloudEvent]) -> None:
        latest, _ = newest_per_key((RecognitionChanged.model_validate(e.data) for e in events),
                                   key=lambda r: r.recognition_id, version=lambda r: r.changed_at)
        repository.upsert_recognitions(session, [
            {"recognition_id": r.recognition_id, "uscc": r.uscc, "region_code": r.region_code,
             "category": r.category, "status": r.status, "recognised_on": r.recognised_on,
             "valid_until": r.valid_until, "changed_at": r.changed_at} for r in latest.values()])
        messages(session, events)
    return handle


def report_due_messages(event: CloudEvent, names: Names) -> list[Wanted]:
    """二(六) 变更经营者的，要在变更后及时报告: the operator is told, when the report falls due, by which day."""
    d = InfoReportDue.model_validate(event.data)
    if d.status != "open" or d.due_on is None:
        return []
    data = {"uscc": d.uscc, "name": _name(names, d.uscc), "recognition_id": d.recognition_id,
            "opened_on": d.opened_on.isoformat() if d.opened_on else "近日", "due_on": d.due_on.isoformat()}
    return [Wanted(event.id, event.type, business(d.uscc), "cultivation.info_report.due", data, d.uscc,
                   d.region_code)]


def report_dues_handler(channels: Channels) -> Callable[[Session, list[CloudEvent]], None]:
    """The dues projection (the reminder reads it) and the message naming the deadline, in one unit of work."""
    messages = batch_of(report_due_messages, channels)

    def handle(session: Session, events: list[CloudEvent]) -> None:
        latest, _ = newest_per_key((InfoReportDue.model_validate(e.data) for e in events),
                                   key=lambda d: d.recognition_id, version=lambda d: d.changed_at)
        repository.upsert_report_dues(session, [
            {"recognition_id": d.recognition_id, "uscc": d.uscc, "region_code": d.region_code, "kind": d.kind,
             "status": d.status, "opened_on": d.opened_on, "due_on": d.due_on, "changed_at": d.changed_at}
            for d in latest.values()])
        messages(session, events)
    return handle


def window_message(event_id: str, w: dict, uscc: str, type_code: str, name: str | None) -> Wanted:
    """“申报窗口已开放” to one eligible business; the window's event id keys it, whichever path sends it."""
    return Wanted(event_id, WindowOpened.event_type, business(uscc), "cultivation.window.opened",
                  {"year": w["year"], "opens_on": str(w["opens_on"]), "closes_on": str(w["closes_on"]),
                   "window_id": w["window_id"], "uscc": uscc, "name": name or UNKNOWN_NAME, "type": type_code,
                   "type_label": type_label(type_code)}, uscc, w["region_code"])


def window_opened_handler(channels: Channels, chunk: int) -> Callable[[Session, CloudEvent], None]:
    def handle(session: Session, event: CloudEvent) -> None:
        w = WindowOpened.model_validate(event.data)
        row = {"window_id": w.window_id, "event_id": event.id, "region_code": w.region_code, "year": w.year,
               "opens_on": w.opens_on, "closes_on": w.closes_on}
        repository.record_window(session, row)
        for rows in repository.eligible_for_window(session, year=w.year, region_code=w.region_code,
                                                   types=WINDOW_ELIGIBLE_TYPES, chunk=chunk):
            store(session, [window_message(event.id, row, u, t, n) for u, t, n in rows], now=clock.now(),
                  channels=channels)
    return handle


def late_window_messages(session: Session, events: list[CloudEvent], names: Names) -> list[Wanted]:
    """Results published after their county's window opened (topics have no order between them):
    the eligible businesses among them hear of the window too."""
    eligible = [e.data for e in events if e.data.get("type") in WINDOW_ELIGIBLE_TYPES]
    if not eligible:
        return []
    regions = {d["uscc"]: _region(names, d["uscc"], d.get("region_code")) for d in eligible}
    windows = repository.windows_open(session, years=[int(d["year"]) for d in eligible],
                                      region_codes=regions.values(), on=clock.today())
    by_key = {(w.year, w.region_code): w for w in windows}
    out = []
    for d in eligible:
        w = by_key.get((int(d["year"]), regions[d["uscc"]]))
        if w is not None:
            row = {"window_id": w.window_id, "region_code": w.region_code, "year": w.year,
                   "opens_on": w.opens_on, "closes_on": w.closes_on}
            out.append(window_message(w.event_id, row, d["uscc"], d["type"], _name(names, d["uscc"])))
    return out


def single(builder: Builder, channels: Channels) -> Callable[[Session, CloudEvent], None]:
    batch = batch_of(builder, channels)

    def handle(session: Session, event: CloudEvent) -> None:
        batch(session, [event])
    return handle


def channels_of(settings: Settings) -> Channels:
    return Channels(email=bool(settings.smtp_host), sms=bool(settings.sms_url))


def subscriptions(settings: Settings | None = None) -> list[Subscription]:
    """`consumer_threads` members of one consumer group (same name, same inbox), one thread each."""
    from notify_svc.settings import settings as default_settings
    s = settings or default_settings
    return [_subscription(s) for _ in range(max(1, s.consumer_threads))]


def _subscription(s: Settings) -> Subscription:
    ch = channels_of(s)
    return Subscription(
        name="notify",
        topics=[REGISTRY_BUSINESS, REGISTRY_ANNUAL_REPORT, TYPING_RUNS, TYPING_RESULTS, CULTIVATION, APPEAL,
                MONITORING],
        handlers={
            AnnualReportClosed.event_type: apply_annual_report_closed,
            TypingPublished.event_type: single(typing_published_messages, ch),
            WindowOpened.event_type: window_opened_handler(ch, s.reminder_chunk),
        },
        batch_handlers={
            BusinessState.event_type: apply_business_states,
            TypingResultPublished.event_type: typing_results_handler(ch),
            AppealFiled.event_type: batch_of(appeal_filed_messages, ch),
            AppealDecided.event_type: batch_of(appeal_decided_messages, ch),
            ApplicationChanged.event_type: batch_of(application_messages, ch),
            RecognitionChanged.event_type: recognitions_handler(ch),
            InfoReportDue.event_type: report_dues_handler(ch),
            SupportMeasuresGranted.event_type: batch_of(measures_messages, ch),
            QuestionnaireSent.event_type: batch_of(questionnaire_messages, ch),
        },
    )
