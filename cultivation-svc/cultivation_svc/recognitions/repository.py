"""Queries of recognitions and information reports."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Select, and_, false, func, or_, select, text, update
from sqlalchemy.orm import Session

from getihu_kit.idempotency import lock_id
from getihu_kit.upserts import any_of

from cultivation_svc.recognitions.models import InfoReport, Recognition, SpotCheckDraw, SpotCheckItem
from cultivation_svc.rules.parameters import PARAMETERS

ACTIVE = ("granted", "extended")


def get(session: Session, rec_id: str, *, lock: bool = False) -> Recognition | None:
    return session.get(Recognition, rec_id, with_for_update=lock)


def active_for_uscc(session: Session, uscc: str, on: dt.date) -> Recognition | None:
    return session.scalars(select(Recognition).where(Recognition.uscc == uscc, Recognition.status.in_(ACTIVE),
                                                     Recognition.valid_until >= on)).first()


def active_for_person(session: Session, region_code: str, id_number: str | None, on: dt.date,
                      other_than: str) -> Recognition | None:
    if not id_number:
        return None
    return session.scalars(select(Recognition).where(
        Recognition.region_code == region_code, Recognition.operator_id_number == id_number,
        Recognition.uscc != other_than, Recognition.status.in_(ACTIVE), Recognition.valid_until >= on)).first()


def lock_county_quota(session: Session, region_code: str, year: int) -> None:
    """二(四)3: one recognition at a time per county and cycle year — a transaction-scoped advisory lock, held until
    the recognising transaction commits, so two clerks never both take the last place of the 5%."""
    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock_id("cultivation.quota", f"{region_code}:{year}")})


def in_force_count(session: Session, region_code: str, on: dt.date) -> int:
    return session.scalar(select(func.count()).select_from(Recognition).where(
        Recognition.region_code == region_code, Recognition.status.in_(ACTIVE), Recognition.valid_until >= on)) or 0


def fraud_revocations(session: Session, uscc: str) -> list[Recognition]:
    """The business's recognitions revoked for fraud (二(六)), oldest first."""
    return list(session.scalars(select(Recognition).where(
        Recognition.uscc == uscc, Recognition.status == "revoked", Recognition.revoked_on.is_not(None))
        .order_by(Recognition.revoked_on)))


def active_in_region(session: Session, region_code: str, on: dt.date) -> list[Recognition]:
    """The county's recognitions in force, locked up front: the confirmation that changes some of them takes the
    feed's turn (kit.feeds) at its first change, and must then wait for no row another writer of the feed holds."""
    return list(session.scalars(select(Recognition).where(
        Recognition.region_code == region_code, Recognition.status.in_(ACTIVE)).order_by(Recognition.id)
        .with_for_update()))


def flag_operator_change(session: Session, changed_on: dict[str, dt.date]) -> list[dict]:
    """二(六) 变更经营者的，要在变更后及时报告: the recognitions of these businesses wait for that report, due
    `operator_change_report_days` after the change (one statement for the batch). Returns the flagged ones (id, uscc,
    region_code, opened_on, due_on)."""
    if not changed_on:
        return []
    usccs = list(changed_on)
    days = [PARAMETERS["operator_change_report_days"].on(changed_on[u]) for u in usccs]
    return [dict(r) for r in session.execute(text(
        "UPDATE recognition AS r SET operator_change_pending = true, operator_change_due_on = v.changed_on + v.days "
        "FROM unnest(CAST(:u AS text[]), CAST(:d AS date[]), CAST(:n AS int[])) AS v(uscc, changed_on, days) "
        "WHERE r.uscc = v.uscc AND r.status IN ('granted', 'extended') "
        "RETURNING r.id, r.uscc, r.region_code, v.changed_on AS opened_on, r.operator_change_due_on AS due_on"),
        {"u": usccs, "d": [changed_on[u] for u in usccs], "n": days}).mappings()]


def public(*, region_code: str | None, category: str | None, on: dt.date) -> Select:
    """The recognitions in force on `on` (the public list; a page is taken by the caller, ordered by id)."""
    q = select(Recognition).where(Recognition.status.in_(ACTIVE), Recognition.valid_until >= on)
    if region_code:
        q = q.where(Recognition.region_code == region_code)
    if category:
        q = q.where(Recognition.category == category)
    return q


def of_parties(*, usccs: list[str], department: str | None) -> Select:
    """The recognitions of an operator's businesses and those a department recommended (a page is the caller's)."""
    conds = []
    if usccs:
        conds.append(Recognition.uscc.in_(usccs))
    if department:
        conds.append(and_(Recognition.source == "recommendation", Recognition.department == department))
    return select(Recognition).where(or_(*conds) if conds else false())


def for_uscc(session: Session, uscc: str) -> list[Recognition]:
    return list(session.scalars(select(Recognition).where(Recognition.uscc == uscc).order_by(Recognition.recognised_on)))


def reports(session: Session, rec_id: str) -> list[InfoReport]:
    return list(session.scalars(select(InfoReport).where(InfoReport.recognition_id == rec_id).order_by(InfoReport.id)))


def has_yearly_report(session: Session, rec_id: str, year: int) -> bool:
    return session.scalar(select(func.count()).select_from(InfoReport).where(
        InfoReport.recognition_id == rec_id, InfoReport.year == year, InfoReport.kind == "yearly",
        # a report sent back for correction is filed again
        InfoReport.reviewed.is_distinct_from("correction_requested"))) > 0


def lapsed(session: Session, on: dt.date, limit: int) -> list[Recognition]:
    """Recognitions still marked in force whose validity ended before `on` (locked, skipping busy rows)."""
    return list(session.scalars(select(Recognition).where(Recognition.status.in_(ACTIVE), Recognition.valid_until < on)
                                .order_by(Recognition.valid_until, Recognition.id).limit(limit)
                                .with_for_update(skip_locked=True)))


def for_application(session: Session, application_id: str, *, lock: bool = False) -> Recognition | None:
    q = select(Recognition).where(Recognition.application_id == application_id)
    return session.scalars(q.with_for_update() if lock else q).first()


def recheck_operators(session: Session, usccs: list[str]) -> None:
    """二(四)3：同一自然人在同一县级行政区域内……最多只能有一个个体工商户获得认定 — as of every operator change. The
    recognitions of the changed businesses take their operator from the registry's state; where that puts two
    recognitions of one person in one county, the later one is marked (the earlier stands). Two statements a batch."""
    if not usccs:
        return
    session.execute(text(
        "UPDATE recognition AS r SET operator_id_number = b.operator_id_number FROM business_projection AS b "
        "WHERE r.uscc = b.uscc AND r.uscc = ANY(CAST(:u AS text[])) AND r.status IN ('granted', 'extended')"),
        {"u": usccs})
    session.execute(text(
        "UPDATE recognition AS later SET conflict_with = earlier.id, conflict_reason = "
        "'同一自然人在本县设立的个体工商户 ' || earlier.uscc || ' 已于 ' || earlier.recognised_on || "
        "' 获认定；经营者变更后两户为同一人，按二(四)3（最多只能有一个个体工商户获得认定），本认定应予取消' "
        "FROM recognition AS earlier "
        "WHERE later.region_code = earlier.region_code AND later.operator_id_number = earlier.operator_id_number "
        "AND later.uscc <> earlier.uscc AND later.status IN ('granted', 'extended') "
        "AND earlier.status IN ('granted', 'extended') AND later.conflict_with IS NULL "
        "AND (earlier.recognised_on, earlier.recognised_at, earlier.id) < (later.recognised_on, later.recognised_at, later.id) "
        "AND (later.uscc = ANY(CAST(:u AS text[])) OR earlier.uscc = ANY(CAST(:u AS text[])))"), {"u": usccs})


def worklist(session: Session, region_code: str) -> list[Recognition]:
    """The county's recognitions in force that ask for the staff (bounded: a county's are ≤ 5 % of its types)."""
    return list(session.scalars(select(Recognition).where(
        Recognition.region_code == region_code, Recognition.status.in_(ACTIVE)).order_by(Recognition.id).limit(5000)))


def reports_to_review(session: Session, rec_ids: list[str]) -> list[InfoReport]:
    if not rec_ids:
        return []
    return list(session.scalars(select(InfoReport).where(any_of(InfoReport.recognition_id, rec_ids),
                                                         InfoReport.reviewed.is_(None)).order_by(InfoReport.id)))


def report(session: Session, rec_id: str, report_id: int) -> InfoReport | None:
    r = session.get(InfoReport, report_id, with_for_update=True)
    return r if r is not None and r.recognition_id == rec_id else None


def of_cycle(session: Session, region_code: str, year: int) -> list[str]:
    """The ids of a county's recognitions of one cycle in force (the population of a spot-check sample)."""
    return list(session.scalars(select(Recognition.id).where(
        Recognition.region_code == region_code, Recognition.year == year, Recognition.status.in_(ACTIVE))))


def material_overdue(session: Session, on: dt.date, limit: int) -> list[Recognition]:
    return list(session.scalars(select(Recognition).where(
        Recognition.spot_check == "material_requested", Recognition.spot_check_due_on < on,
        Recognition.status.in_(ACTIVE)).order_by(Recognition.id).limit(limit).with_for_update(skip_locked=True)))


def lock_spot_check_draws(session: Session, region_code: str, year: int) -> None:
    """One draw at a time per county and year (held to the commit), so a second one sees the first."""
    session.execute(text("SELECT pg_advisory_xact_lock(:k)"),
                    {"k": lock_id("cultivation.spot_check_draw", f"{region_code}:{year}")})


def latest_draw(session: Session, region_code: str, year: int) -> SpotCheckDraw | None:
    return session.scalars(select(SpotCheckDraw).where(SpotCheckDraw.region_code == region_code,
                                                       SpotCheckDraw.year == year)
                           .order_by(SpotCheckDraw.drawn_at.desc(), SpotCheckDraw.id.desc()).limit(1)).first()


def draws(region_code: str, year: int | None) -> Select:
    q = select(SpotCheckDraw).where(SpotCheckDraw.region_code == region_code)
    return q.where(SpotCheckDraw.year == year) if year is not None else q


def draw_items(session: Session, draw_ids: list[str]) -> dict[str, list[SpotCheckItem]]:
    out: dict[str, list[SpotCheckItem]] = {}
    if not draw_ids:
        return out
    for i in session.scalars(select(SpotCheckItem).where(any_of(SpotCheckItem.draw_id, draw_ids))
                             .order_by(SpotCheckItem.recognition_id)):
        out.setdefault(i.draw_id, []).append(i)
    return out


OPEN_OUTCOMES = ("pending", "material_requested", "material_submitted")


def set_draw_outcomes(session: Session, rec_id: str, *, outcome: str | None, note: str | None, due_on: dt.date | None,
                      by: str, at: dt.datetime) -> None:
    session.execute(update(SpotCheckItem).where(SpotCheckItem.recognition_id == rec_id,
                                                SpotCheckItem.outcome.in_(OPEN_OUTCOMES))
                    .values(outcome=outcome, note=note, due_on=due_on, decided_by=by, decided_at=at))
