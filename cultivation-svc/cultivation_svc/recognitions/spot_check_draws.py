"""二(五)2 上级抽查, kept: the prefecture's draws of a county's recognitions and each sampled recognition's outcome.

A draw records who drew, when, the seed and the rate, and the recognitions it drew from, so any reviewer can redraw
it (`rules.spot_checks.draw`) and get the same sample. A second draw of the same county and year is allowed only
with its reason and is kept beside the first (`follows`), never in its place."""
from __future__ import annotations

import datetime as dt
import secrets
import uuid
from fractions import Fraction

from sqlalchemy.orm import Session

from getihu_kit import clock
from getihu_kit.auth import Principal
from getihu_kit.errors import Conflict, Forbidden, NotFound
from getihu_kit.labels import SPOT_CHECK_OUTCOME_LABELS
from getihu_kit.pagination import PageRequest, scalars_page
from cultivation_svc.recognitions import repository
from cultivation_svc.recognitions.models import Recognition, SpotCheckDraw, SpotCheckItem
from cultivation_svc.recognitions.schemas import SpotCheckDrawCreate
from cultivation_svc.regional.service import county, rules_in
from cultivation_svc.rules import spot_checks
from cultivation_svc.rules.parameters import ratio_text


def _prefecture(principal: Principal) -> None:
    if not principal.has("prefecture_staff", "admin"):
        raise Forbidden("抽查由地区市场监管局办理")


def draw(session: Session, *, data: SpotCheckDrawCreate, principal: Principal, today: dt.date) -> dict:
    """Draw and record a sample of a county's recognitions of a cycle in force (the rate: spot_check_rate)."""
    _prefecture(principal)
    region = county(data.region_code)
    repository.lock_spot_check_draws(session, region, data.year)  # two draws at once: the second sees the first
    earlier = repository.latest_draw(session, region, data.year)
    if earlier is not None and not (data.reason or "").strip():
        raise Conflict(f"{region} {data.year} 年度已于 {clock.local_date(earlier.drawn_at).isoformat()} 抽取样本"
                       f"（{earlier.id}）；再次抽取须写明理由 reason，原样本保留", code="spot_check_already_drawn",
                       draw_id=earlier.id)
    rate = rules_in(session, region, today).spot_check_rate
    seed = data.seed or secrets.token_hex(8)  # unknown to the county beforehand; recorded for the redraw
    population = sorted(repository.of_cycle(session, region, data.year))
    d = SpotCheckDraw(id=f"scd_{uuid.uuid4().hex[:20]}", region_code=region, year=data.year, seed=seed,
                      rate=ratio_text(rate), population=population, sample=spot_checks.draw(population, rate, seed),
                      drawn_by=principal.audit_name(), drawn_at=clock.now(), follows=earlier.id if earlier else None,
                      reason=data.reason)
    session.add(d)
    session.add_all([SpotCheckItem(draw_id=d.id, recognition_id=rid, outcome="pending") for rid in d.sample])
    session.flush()
    return read(session, d)


def read(session: Session, d: SpotCheckDraw, items: list[SpotCheckItem] | None = None) -> dict:
    items = repository.draw_items(session, [d.id]).get(d.id, []) if items is None else items
    return {"id": d.id, "region_code": d.region_code, "year": d.year, "seed": d.seed, "rate": d.rate,
            "population": len(d.population), "sample": d.sample, "drawn_by": d.drawn_by, "drawn_at": d.drawn_at,
            "follows": d.follows, "reason": d.reason,
            # anyone may check it: the same seed, rate and recognitions give this sample again
            "reproduced": spot_checks.draw(list(d.population), Fraction(d.rate), d.seed) == list(d.sample),
            "items": [{"recognition_id": i.recognition_id, "outcome": i.outcome,
                       "outcome_label": SPOT_CHECK_OUTCOME_LABELS.get(i.outcome, i.outcome), "note": i.note,
                       "due_on": i.due_on,
                       "decided_by": i.decided_by, "decided_at": i.decided_at} for i in items]}


def get(session: Session, *, draw_id: str, principal: Principal) -> dict:
    _prefecture(principal)
    d = session.get(SpotCheckDraw, draw_id)
    if d is None:
        raise NotFound(f"抽查样本 {draw_id} 不存在")
    return read(session, d)


def listed(session: Session, *, region_code: str, year: int | None, principal: Principal,
           page: PageRequest) -> tuple[list[dict], str | None]:
    """The past draws of a county (newest first), each with its items (one query for the page's items)."""
    _prefecture(principal)
    draws, nxt = scalars_page(session, repository.draws(county(region_code), year),
                              keys=[SpotCheckDraw.drawn_at, SpotCheckDraw.id], page=page, descending=True)
    items = repository.draw_items(session, [d.id for d in draws])
    return [read(session, d, items.get(d.id, [])) for d in draws], nxt


def record_outcome(session: Session, rec: Recognition, *, by: str) -> None:
    """The recognition's spot-check outcome, on its items in the draws still waiting for one (a recognition checked
    outside any draw has none)."""
    repository.set_draw_outcomes(session, rec.id, outcome=rec.spot_check, note=rec.spot_check_note,
                                 due_on=rec.spot_check_due_on, by=by, at=clock.now())
