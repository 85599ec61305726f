"""Every query of monitoring-svc."""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import String, delete, func, insert, literal, or_, select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from getihu_kit.pagination import PageRequest, keyset_page, scalars_page
from getihu_kit.upserts import any_of, insert_ignore, json_param, json_rows, upsert, upsert_newest, upsert_newest_json
from monitoring_svc.models import (AnswerItem, AppealProjection, BusinessProjection, ContactPoint,
                                   ContactPointBusiness, OperatingReturn, Policy, PolicyPublication, Questionnaire,
                                   QuestionnaireAnswer, QuestionnaireQuestion, QuestionnaireRecipient,
                                   RecognitionProjection, ReturnRead, TypingResultProjection)
from monitoring_svc.schemas import SCALE_POSITIVE


# --- policies ----------------------------------------------------------------------------------------
def get_policy(session: Session, policy_id: str, *, for_update: bool = False) -> Policy | None:
    stmt = select(Policy).where(Policy.id == policy_id)
    return session.execute(stmt.with_for_update() if for_update else stmt).scalar_one_or_none()


def publications(session: Session, policy_id: str) -> list[PolicyPublication]:
    return list(session.execute(select(PolicyPublication).where(PolicyPublication.policy_id == policy_id)
                                .order_by(PolicyPublication.seq)).scalars())


def policies_page(session: Session, *, statuses: Sequence[str], department: str | None, measure_code: str | None,
                  in_force_on, page: PageRequest) -> tuple[list[Policy], str | None]:
    stmt = select(Policy).where(Policy.status.in_(statuses))
    if in_force_on is not None:  # rules.policy_in_force, as SQL
        stmt = stmt.where(Policy.in_force_from <= in_force_on,
                          or_(Policy.in_force_to.is_(None), Policy.in_force_to >= in_force_on))
    if department:
        stmt = stmt.where(Policy.department == department)
    if measure_code:
        stmt = stmt.where(Policy.measure_codes.cast(JSONB).contains([measure_code]))
    return scalars_page(session, stmt, keys=[Policy.created_at, Policy.id], page=page, descending=True)


# --- contact points -----------------------------------------------------------------------------------
def get_contact_point(session: Session, cp_id: str, *, for_update: bool = False) -> ContactPoint | None:
    stmt = select(ContactPoint).where(ContactPoint.id == cp_id)
    return session.execute(stmt.with_for_update() if for_update else stmt).scalar_one_or_none()


def followed(session: Session, cp_id: str) -> list[str]:
    return list(session.execute(select(ContactPointBusiness.uscc).where(ContactPointBusiness.contact_point_id == cp_id)
                                .order_by(ContactPointBusiness.uscc)).scalars())


def follows(session: Session, cp_id: str, uscc: str) -> bool:
    return session.execute(select(ContactPointBusiness.uscc).where(
        ContactPointBusiness.contact_point_id == cp_id, ContactPointBusiness.uscc == uscc)).first() is not None


def replace_followed(session: Session, cp_id: str, usccs: Sequence[str], at) -> None:
    session.execute(delete(ContactPointBusiness).where(ContactPointBusiness.contact_point_id == cp_id))
    if usccs:
        session.execute(insert(ContactPointBusiness), [{"contact_point_id": cp_id, "uscc": u, "added_at": at}
                                                       for u in dict.fromkeys(usccs)])


def contact_points_page(session: Session, *, region_code: str | None, status: str | None,
                        page: PageRequest) -> tuple[list, str | None]:
    counts = (select(func.count()).where(ContactPointBusiness.contact_point_id == ContactPoint.id)
              .correlate(ContactPoint).scalar_subquery())
    stmt = select(ContactPoint.region_code, ContactPoint.id, ContactPoint, counts.label("businesses"))
    if region_code:
        stmt = stmt.where(ContactPoint.region_code == region_code)
    if status:
        stmt = stmt.where(ContactPoint.status == status)
    return keyset_page(session, stmt, keys=[ContactPoint.region_code, ContactPoint.id], page=page)


# --- businesses -----------------------------------------------------------------------------------------
def business(session: Session, uscc: str) -> BusinessProjection | None:
    return session.get(BusinessProjection, uscc)


def businesses(session: Session, usccs: Sequence[str]) -> dict[str, BusinessProjection]:
    if not usccs:
        return {}
    rows = session.execute(select(BusinessProjection).where(any_of(BusinessProjection.uscc, usccs))).scalars()
    return {b.uscc: b for b in rows}


def upsert_businesses(session: Session, rows: list[dict]) -> None:
    upsert_newest_json(session, BusinessProjection.__table__, rows, keys=["uscc"],
                       columns=["name", "region_code", "industry_code", "status", "version"], version="version")


def upsert_typing_results(session: Session, rows: list[dict]) -> None:
    upsert_newest_json(session, TypingResultProjection.__table__, rows, keys=["uscc", "year"],
                       columns=["type", "region_code", "industry_code", "ruleset", "version", "published_at"],
                       version="version")


# --- returns ---------------------------------------------------------------------------------------------
RETURN_COLUMNS = ("region_code", "sales", "costs", "profit", "employees", "new_hires", "loans_outstanding",
                  "loans_obtained", "financing_need", "outlook", "difficulties", "source", "contact_point_id",
                  "submitted_by", "submitted_at")


def upsert_returns(session: Session, rows: list[dict]) -> None:
    """Insert or replace the quarter's return, counting its revisions (each submission adds one)."""
    if not rows:
        return
    stmt = upsert_newest(OperatingReturn.__table__, ["uscc", "year", "quarter"], [*RETURN_COLUMNS, "revision"],
                         version="submitted_at", accumulate=["revision"])
    session.execute(stmt, [{**r, "revision": 1} for r in rows])


def get_return(session: Session, uscc: str, year: int, quarter: int) -> OperatingReturn | None:
    return session.get(OperatingReturn, (uscc, year, quarter))


def returns_page(session: Session, *, region_code: str | None, uscc: str | None, year: int | None,
                 quarter: int | None, page: PageRequest) -> tuple[list[OperatingReturn], str | None]:
    stmt = select(OperatingReturn)
    for col, value in ((OperatingReturn.region_code, region_code), (OperatingReturn.uscc, uscc),
                       (OperatingReturn.year, year), (OperatingReturn.quarter, quarter)):
        if value is not None:
            stmt = stmt.where(col == value)
    return scalars_page(session, stmt, keys=[OperatingReturn.year, OperatingReturn.quarter, OperatingReturn.uscc],
                        page=page)


def returns_export(*, region_code: str | None, uscc: str | None, year: int | None, quarter: int | None,
                   columns: Sequence[str]):
    t = OperatingReturn.__table__
    stmt = select(*[t.c[c] for c in columns])
    for col, value in ((t.c.region_code, region_code), (t.c.uscc, uscc), (t.c.year, year), (t.c.quarter, quarter)):
        if value is not None:
            stmt = stmt.where(col == value)
    return stmt.order_by(t.c.year, t.c.quarter, t.c.uscc)


def count_of(session: Session, stmt) -> int:
    return session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()


def audit_read(session: Session, rows: list[dict]) -> None:
    session.execute(insert(ReturnRead), rows)


def audit_page(session: Session, *, uscc: str | None, page: PageRequest) -> tuple[list[ReturnRead], str | None]:
    stmt = select(ReturnRead)
    if uscc:
        stmt = stmt.where(ReturnRead.uscc == uscc)
    return scalars_page(session, stmt, keys=[ReturnRead.id], page=page, descending=True)



def upsert_recognitions(session: Session, rows: list[dict]) -> None:
    upsert_newest_json(session, RecognitionProjection.__table__, rows, keys=["recognition_id"],
                       columns=["uscc", "region_code", "category", "status", "year", "recognised_on", "valid_until",
                                "changed_at"], version="changed_at")


_APPEAL_FILED = ("target_kind", "uscc", "year", "region_code", "filed_at", "due_on")


def record_appeals_filed(session: Session, rows: list[dict]) -> None:
    """The filing's facts; an objection already known (its decision came first, or a replay) keeps its decision."""
    if rows:
        session.execute(upsert(AppealProjection.__table__, ["appeal_id"], _APPEAL_FILED),
                        [{**r, "decision": None, "decided_at": None} for r in rows])


def record_appeals_decided(session: Session, rows: list[dict]) -> None:
    """The decision; the filing's time comes with it (when given) so an out-of-order pair still counts."""
    if rows:
        table = AppealProjection.__table__
        stmt = upsert(table, ["appeal_id"], ["decision", "decided_at"])
        session.execute(stmt, rows)
        gaps = [{"appeal_id": r["appeal_id"], "filed_at": r["filed_at"], "due_on": r["due_on"]}
                for r in rows if r.get("filed_at") is not None]
        if gaps:  # the filing's time carried by the decision fills a gap only, in one statement
            session.execute(text(
                f"UPDATE appeal_projection a SET filed_at = r.filed_at, due_on = r.due_on FROM "
                f"{json_rows(table, ['appeal_id', 'filed_at', 'due_on']).text} "
                f"WHERE a.appeal_id = r.appeal_id AND a.filed_at IS NULL"), {"rows": json_param(gaps)})


# --- questionnaires --------------------------------------------------------------------------------------
def latest_questionnaire(session: Session, qid: str, *, for_update: bool = False) -> Questionnaire | None:
    stmt = select(Questionnaire).where(Questionnaire.id == qid).order_by(Questionnaire.version.desc()).limit(1)
    return session.execute(stmt.with_for_update() if for_update else stmt).scalar_one_or_none()


def get_questionnaire(session: Session, qid: str, version: int, *, for_update: bool = False) -> Questionnaire | None:
    stmt = select(Questionnaire).where(Questionnaire.id == qid, Questionnaire.version == version)
    return session.execute(stmt.with_for_update() if for_update else stmt).scalar_one_or_none()


def questions(session: Session, qid: str, version: int) -> list[QuestionnaireQuestion]:
    return list(session.execute(select(QuestionnaireQuestion).where(
        QuestionnaireQuestion.questionnaire_id == qid, QuestionnaireQuestion.version == version)
        .order_by(QuestionnaireQuestion.no)).scalars())


def replace_questions(session: Session, qid: str, version: int, rows: list[dict]) -> None:
    session.execute(delete(QuestionnaireQuestion).where(QuestionnaireQuestion.questionnaire_id == qid,
                                                        QuestionnaireQuestion.version == version))
    session.execute(insert(QuestionnaireQuestion), [{"questionnaire_id": qid, "version": version, **r} for r in rows])


def existing_policies(session: Session, ids: Sequence[str]) -> set[str]:
    if not ids:
        return set()
    return set(session.execute(select(Policy.id).where(any_of(Policy.id, ids))).scalars())


def questionnaires_page(session: Session, *, region_codes: Sequence[str | None] | None, status: str | None,
                        page: PageRequest) -> tuple[list, str | None]:
    """Versions newest first; `region_codes` None: every owner (the prefecture's view)."""
    stmt = select(Questionnaire.created_at, Questionnaire.id, Questionnaire.version, Questionnaire)
    if region_codes is not None:
        owned = [r for r in region_codes if r is not None]
        stmt = stmt.where(or_(Questionnaire.region_code.is_(None), any_of(Questionnaire.region_code, owned))
                          if None in region_codes else any_of(Questionnaire.region_code, owned))
    if status:
        stmt = stmt.where(Questionnaire.status == status)
    return keyset_page(session, stmt, keys=[Questionnaire.created_at, Questionnaire.id, Questionnaire.version],
                       page=page, descending=True)


def contact_point_regions(session: Session, ids: Sequence[str]) -> dict[str, str]:
    if not ids:
        return {}
    return dict(session.execute(select(ContactPoint.id, ContactPoint.region_code)
                                .where(any_of(ContactPoint.id, ids))).all())


def send_to_targets(session: Session, *, qid: str, version: int, send_id: str, at, region_codes: Sequence[str],
                    types: Sequence[str], year: int | None, categories: Sequence[str],
                    contact_point_ids: Sequence[str]) -> tuple[int, int]:
    """Resolve the target group from the projections and record the new recipients, in one statement:
    (businesses matched, businesses newly sent to — a business already sent this version is not again)."""
    where = ["b.status = 'registered'"]
    if region_codes:
        where.append("b.region_code = ANY(:regions)")
    if types:
        where.append("EXISTS (SELECT 1 FROM typing_result_projection t WHERE t.uscc = b.uscc AND t.year = :year "
                     "AND t.type = ANY(:types))")
    if categories:
        where.append("EXISTS (SELECT 1 FROM recognition_projection r WHERE r.uscc = b.uscc "
                     "AND r.status IN ('granted', 'extended') AND r.category = ANY(:categories))")
    if contact_point_ids:
        where.append("EXISTS (SELECT 1 FROM contact_point_business c WHERE c.uscc = b.uscc "
                     "AND c.contact_point_id = ANY(:cps))")
    row = session.execute(text(
        "WITH target AS (SELECT b.uscc, b.region_code FROM business_projection b WHERE " + " AND ".join(where) + "), "
        "sent AS (INSERT INTO questionnaire_recipient (questionnaire_id, version, uscc, region_code, send_id, sent_at) "
        "SELECT :qid, :version, uscc, region_code, :send_id, :at FROM target "
        "ON CONFLICT (questionnaire_id, version, uscc) DO NOTHING RETURNING 1) "
        "SELECT (SELECT count(*) FROM target) AS matched, (SELECT count(*) FROM sent) AS sent"),
        {"qid": qid, "version": version, "send_id": send_id, "at": at, "regions": list(region_codes),
         "year": year, "types": list(types), "categories": list(categories), "cps": list(contact_point_ids)}).one()
    return int(row.matched), int(row.sent)


def sent_events(qid: str, version: int, send_id: str, title: str, closes_on):
    """The rows of a send as QuestionnaireSent payloads, for Outbox.emit_select (no row through Python)."""
    r = QuestionnaireRecipient
    data = func.json_build_object("questionnaire_id", r.questionnaire_id, "version", r.version,
                                  "title", literal(title, String), "uscc", r.uscc, "region_code", r.region_code,
                                  "sent_at", r.sent_at,
                                  "closes_on", literal(closes_on.isoformat() if closes_on else None, String))
    return (select(r.uscc.label("key"), r.uscc.label("subject"), data.label("data"))
            .where(r.questionnaire_id == qid, r.version == version, r.send_id == send_id).order_by(r.uscc))


def recipient(session: Session, qid: str, version: int, uscc: str) -> QuestionnaireRecipient | None:
    return session.get(QuestionnaireRecipient, (qid, version, uscc))


def receives(session: Session, qid: str, version: int, usccs: Sequence[str]) -> bool:
    if not usccs:
        return False
    r = QuestionnaireRecipient
    return session.execute(select(r.uscc).where(r.questionnaire_id == qid, r.version == version,
                                                any_of(r.uscc, usccs)).limit(1)).first() is not None


def assigned_page(session: Session, uscc: str, page: PageRequest) -> tuple[list, str | None]:
    r, q, a = QuestionnaireRecipient, Questionnaire, QuestionnaireAnswer
    answered = (select(a.uscc).where(a.questionnaire_id == r.questionnaire_id, a.version == r.version,
                                     a.uscc == r.uscc).correlate(r).exists())
    stmt = (select(r.sent_at, r.questionnaire_id, r.version, q.title, q.closes_on, answered.label("answered"))
            .join(q, (q.id == r.questionnaire_id) & (q.version == r.version)).where(r.uscc == uscc))
    return keyset_page(session, stmt, keys=[r.sent_at, r.questionnaire_id, r.version], page=page, descending=True)


def record_answer(session: Session, row: dict, items: list[dict]) -> bool:
    """The answer and its items; False when the business had answered this version already."""
    t = QuestionnaireAnswer.__table__
    stmt = insert_ignore(t, ["questionnaire_id", "version", "uscc"]).values(**row)
    if not session.execute(stmt.returning(t.c.uscc)).first():
        return False
    if items:
        key = {k: row[k] for k in ("questionnaire_id", "version", "uscc")}
        session.execute(insert(AnswerItem), [{**key, **i} for i in items])
    return True


def answer_items(session: Session, qid: str, version: int, uscc: str) -> list[AnswerItem]:
    return list(session.execute(select(AnswerItem).where(
        AnswerItem.questionnaire_id == qid, AnswerItem.version == version, AnswerItem.uscc == uscc)
        .order_by(AnswerItem.no, AnswerItem.value)).scalars())


def _scope(region_code: str | None, column: str) -> str:
    return f" AND {column} = :region" if region_code else ""


def response_counts(session: Session, qid: str, version: int, region_code: str | None) -> tuple[int, int]:
    params = {"qid": qid, "version": version, "region": region_code}
    row = session.execute(text(
        "SELECT (SELECT count(*) FROM questionnaire_recipient WHERE questionnaire_id = :qid AND version = :version"
        + _scope(region_code, "region_code") + ") AS recipients, "
        "(SELECT count(*) FROM questionnaire_answer WHERE questionnaire_id = :qid AND version = :version"
        + _scope(region_code, "region_code") + ") AS answered"), params).one()
    return int(row.recipients), int(row.answered)


def distribution(session: Session, qid: str, version: int, region_code: str | None) -> list:
    """Per question: (no, value, businesses) for each value given (an option number or a scale value),
    with value NULL for the businesses that answered the question at all."""
    return list(session.execute(text(
        "SELECT i.no, i.value, count(DISTINCT i.uscc) AS businesses FROM answer_item i "
        "JOIN questionnaire_answer a ON a.questionnaire_id = i.questionnaire_id AND a.version = i.version "
        "AND a.uscc = i.uscc WHERE i.questionnaire_id = :qid AND i.version = :version"
        + _scope(region_code, "a.region_code") + " GROUP BY GROUPING SETS ((i.no, i.value), (i.no))"),
        {"qid": qid, "version": version, "region": region_code}).all())


def policy_rates(session: Session, *, region_code: str | None, qid: str | None = None, version: int | None = None,
                 year: int | None = None, quarters: Sequence[int] = (1, 2, 3, 4)) -> list:
    """Per policy and dimension: answers to its questions and those counting as positive (a scale
    value of 4 or 5, or a single choice's option marked positive). One questionnaire version, or
    every answer given in a year's quarters (the bureau's calendar)."""
    where = ["q.dimension IS NOT NULL", "q.policy_id IS NOT NULL", "i.value IS NOT NULL"]
    if qid is not None:
        where.append("a.questionnaire_id = :qid AND a.version = :version")
    if year is not None:
        where.append("EXTRACT(YEAR FROM a.answered_at AT TIME ZONE 'Asia/Shanghai') = :year AND "
                     "EXTRACT(QUARTER FROM a.answered_at AT TIME ZONE 'Asia/Shanghai') = ANY(:quarters)")
    return list(session.execute(text(
        "SELECT q.policy_id, p.title, q.dimension, count(*) AS answered, count(*) FILTER (WHERE "
        f"(q.kind = 'scale' AND i.value >= {SCALE_POSITIVE}) OR (q.kind = 'single' AND "
        "coalesce((q.options -> (i.value - 1) ->> 'positive')::boolean, false))) AS positive "
        "FROM answer_item i JOIN questionnaire_answer a ON a.questionnaire_id = i.questionnaire_id "
        "AND a.version = i.version AND a.uscc = i.uscc "
        "JOIN questionnaire_question q ON q.questionnaire_id = i.questionnaire_id AND q.version = i.version "
        "AND q.no = i.no LEFT JOIN policy p ON p.id = q.policy_id WHERE " + " AND ".join(where)
        + _scope(region_code, "a.region_code") + " GROUP BY 1, 2, 3 ORDER BY 1, 3"),
        {"qid": qid, "version": version, "region": region_code, "year": year, "quarters": list(quarters)}).all())
