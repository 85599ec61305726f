"""Application windows: typing-published opens each county's window for the year (附件1 二(五)1)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from getihu_kit import clock
from getihu_kit.domain import regions
from getihu_kit.errors import InvalidInput, NotFound
from getihu_kit.schemas.cultivation import WindowOpened
from cultivation_svc.base import OUTBOX
from cultivation_svc.regional import repository as regional_repo
from cultivation_svc.regional.service import rules_in
from cultivation_svc.rules.lifecycle import recognitions_by, window_dates
from cultivation_svc.rules.parameters import rules_for
from cultivation_svc.windows import repository
from cultivation_svc.windows.models import Window


def open_windows(session: Session, *, year: int, run_id: str, published_on: dt.date,
                 eligible_by_region: dict[str, int], traceparent: str | None = None) -> list[Window]:
    """Open (or, on a re-publication, refresh) the window of every county the typing covers."""
    existing = repository.for_year(session, year)
    overrides = regional_repo.all_overrides(session)
    opened: list[Window] = []
    now = clock.now()
    for code in sorted(set(regions.COUNTIES) | {c for c in eligible_by_region if c in regions.COUNTIES}):
        rules = rules_for(published_on, overrides.get(code), code)
        eligible = eligible_by_region.get(code, 0)
        w = existing.get(code)
        if w is not None:
            w.typing_run_id, w.eligible_count = run_id, eligible
            continue
        opens, closes = window_dates(year, published_on, rules)
        w = Window(id=f"win_{code}_{year}", region_code=code, year=year, opens_on=opens, closes_on=closes,
                   typing_run_id=run_id, eligible_count=eligible, opened_at=now)
        session.add(w)
        opened.append(w)
    session.flush()
    OUTBOX.emit_many(session, [(WindowOpened(window_id=w.id, region_code=w.region_code, year=w.year,
                                             opens_on=w.opens_on, closes_on=w.closes_on, typing_run_id=run_id,
                                             eligible_usccs_count=w.eligible_count), w.region_code)
                               for w in opened], traceparent=traceparent)
    return opened


def change_close(session: Session, *, region_code: str, year: int, closes_on: dt.date) -> Window:
    w = repository.get(session, region_code, year)
    if w is None:
        raise NotFound(f"{regions.name(region_code)} {year} 年度的申报窗口尚未开启（分型结果公布后开启）")
    if closes_on < w.opens_on:
        raise InvalidInput(f"截止日期不能早于开始日期 {w.opens_on.isoformat()}", field="closes_on")
    # 二(五)1: a county shortens its window, never extends it past the cycle's last recognition day.
    last = recognitions_by(year, rules_in(session, region_code, w.opens_on))
    if closes_on > last:
        raise InvalidInput(f"截止日期不能晚于 {last.isoformat()}（二(五)1：于11月底前完成分类；更晚的日期只能由地区市场监管局设定）",
                           field="closes_on")
    w.closes_on = closes_on
    session.flush()
    return w
