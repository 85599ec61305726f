"""The staff list of typing results, read on the event loop (kit.read_pool): a county's clerks page
through a run's results all day, a page of 100 of up to a million rows. The statements are built with
SQLAlchemy and compiled once; the same rows and cursors as the ORM's keyset pages."""
from __future__ import annotations

from sqlalchemy import Integer, SmallInteger, String, bindparam, select

from getihu_kit.pagination import PageRequest, compile_list, read_keyset_page
from getihu_kit.read_pool import sql
from typing_svc.repository import results, runs

# what choosing a list's run needs (service.pick_results_run), not the whole run
_RUNS_OF_YEAR = sql(select(runs.c.run_no, runs.c.id, runs.c.year, runs.c.status, runs.c.ruleset, runs.c.published_at)
                    .where(runs.c.year == bindparam("year", type_=SmallInteger)).order_by(runs.c.run_no))


def _page_of(*, region: bool, type_: bool):
    """A run's results in USCC order (the primary key's order within the run), of a county and/or a type."""
    # the columns an item shows: decoding a result's eighteen (dates, decimals) cost more than the query
    q = (select(results.c.uscc, results.c.region_code, results.c.industry_code, results.c.type_code, results.c.met)
         .where(results.c.run_no == bindparam("run_no", type_=Integer)))
    if region:
        q = q.where(results.c.region_code == bindparam("region_code", type_=String))
    if type_:
        q = q.where(results.c.type_code == bindparam("type_code", type_=SmallInteger))
    return compile_list(q, [results.c.uscc])


_PAGES = {(region, type_): _page_of(region=region, type_=type_) for region in (False, True) for type_ in (False, True)}


async def runs_of_year(conn, year: int) -> list[dict]:
    return [r._asdict() for r in await _RUNS_OF_YEAR.all(conn, {"year": year})]


async def results_page(conn, *, run_no: int, region_code: str | None, type_code: int | None,
                       page: PageRequest) -> tuple[list, str | None]:
    listing = _PAGES[(region_code is not None, type_code is not None)]
    values = {"run_no": run_no, "region_code": region_code, "type_code": type_code}
    return await read_keyset_page(conn, listing, values, page=page)
