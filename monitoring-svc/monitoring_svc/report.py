"""The quarterly / yearly analysis report (二(七) 形成分析报告, 二(九) 年度总结) as a job: an XLSX workbook with one
sheet per table, and an HTML report with inline SVG charts (the browser's own fonts render the Chinese,
so nothing needs a system font, and `make up` needs no root).

The tables are analysis.compute's, the same the JSON answer serves. The files are kept in the
database (report_file), so any API instance serves the download whichever worker built it.
"""
from __future__ import annotations

import html
import io
from collections.abc import Iterator
from decimal import Decimal

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from getihu_kit import clock
from getihu_kit.auth import Principal, scoped_region
from getihu_kit.db import unit_of_work
from getihu_kit.domain import regions
from getihu_kit.errors import Forbidden, NotFound
from getihu_kit.jobs import JobRead, Progress
from getihu_kit.upserts import upsert
from monitoring_svc import analysis
from monitoring_svc.imports import STORE
from monitoring_svc.models import ReportFile, jobs
from monitoring_svc.schemas import ReportCreate

KIND = "report"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def request_report(session: Session, *, data: ReportCreate, principal: Principal) -> JobRead:
    region = scoped_region(principal, data.region_code)
    params = {"year": data.year, "quarter": data.quarter, "region_code": region, "sub": principal.sub}
    job_id = STORE.create(session, kind=KIND, params=params, content_type=None, body=[], created_by=principal.sub)
    return STORE.get(session, job_id)


def _allowed(session: Session, job_id: str, principal: Principal) -> None:
    row = session.execute(select(jobs.c.params, jobs.c.kind).where(jobs.c.id == job_id)).first()
    if row is None or row.kind != KIND:
        raise NotFound(f"报告“{job_id}”不存在", code="job_not_found")
    region = row.params.get("region_code")
    if not (principal.sees_all_regions or (region is not None and principal.region_code == region)):
        raise Forbidden("只能查看本辖区的分析报告")


def report_file(session: Session, *, job_id: str, fmt: str, principal: Principal) -> tuple[bytes, str, str]:
    """The file of a finished report: its bytes, media type and file name."""
    _allowed(session, job_id, principal)
    f = session.get(ReportFile, job_id)
    if f is None:
        raise NotFound("报告尚未生成完毕，请稍后再下载（可查询任务进度）", code="report_not_ready")
    if fmt == "xlsx":
        return f.xlsx, XLSX_TYPE, f"{f.title}.xlsx"
    return f.html.encode("utf-8"), "text/html; charset=utf-8", f"{f.title}.html"


# --- building ---------------------------------------------------------------------------------------
def title_of(year: int, quarter: int | None, region_code: str | None) -> str:
    where = regions.name(region_code) if region_code else "大兴安岭地区"
    period = f"{year}年第{quarter}季度" if quarter else f"{year}年度"
    return f"{where}个体工商户{period}监测分析报告"


def _cell(v):
    # money travels as decimal strings ("300.10"): a number in the workbook, so Excel can add it up
    if isinstance(v, str) and "." in v and v.lstrip("-").replace(".", "", 1).isdigit():
        return Decimal(v)
    return v


def workbook(tables: list[analysis.Table], title: str) -> bytes:
    """One sheet per table (write-only: rows go straight to the file), headers in Chinese."""
    wb = Workbook(write_only=True)
    cover = wb.create_sheet("说明")
    cover.append([title])
    cover.append([f"生成时间：{clock.now().isoformat(timespec='seconds')}"])
    for t in tables:
        cover.append([t.title, f"见工作表“{t.name}”"])
    for t in tables:
        ws = wb.create_sheet(t.name[:31])
        ws.append([label for _, label in t.columns])
        for row in t.rows:
            ws.append([_cell(row.get(k)) for k, _ in t.columns])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _bars(t: analysis.Table, label_keys: tuple[str, ...], value_key: str) -> str:
    """A horizontal bar chart as inline SVG, one bar per row."""
    items = [(" ".join(str(r.get(k) or "") for k in label_keys), float(r.get(value_key) or 0)) for r in t.rows]
    if not items:
        return "<p>（无数据）</p>"
    top = max(v for _, v in items) or 1.0
    h, width = 22, 360
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="640" height="{h * len(items) + 10}" '
             f'aria-label="{html.escape(t.title)}">']
    for i, (label, v) in enumerate(items):
        y = i * h + 5
        w = int(width * v / top)
        parts.append(f'<text x="0" y="{y + 15}" font-size="12">{html.escape(label)}</text>'
                     f'<rect x="200" y="{y + 3}" width="{w}" height="{h - 8}" fill="#3b6fb6"/>'
                     f'<text x="{205 + w}" y="{y + 15}" font-size="12">{v:g}</text>')
    parts.append("</svg>")
    return "".join(parts)


CHARTS = {"types_by_county": (("region_name", "type_label"), "businesses"),
          "types_by_industry": (("section_name", "type_label"), "businesses"),
          "categories_by_county": (("region_name", "category_label"), "in_force"),
          "transitions": (("from_label", "to_label"), "businesses"),
          "quota_use": (("region_name",), "in_force"),
          "objections": (("region_name", "target_label"), "filed"),
          "indicators": (("quarter", "type_label"), "sales"),
          "policy_awareness": (("title",), "satisfaction_rate")}


def html_report(tables: list[analysis.Table], title: str) -> str:
    body = [f"<h1>{html.escape(title)}</h1>", f"<p>生成时间：{clock.now().isoformat(timespec='seconds')}</p>"]
    for t in tables:
        body.append(f"<h2>{html.escape(t.title)}</h2>")
        if t.name in CHARTS:
            body.append(_bars(t, *CHARTS[t.name]))
        head = "".join(f"<th>{html.escape(label)}</th>" for _, label in t.columns)
        rows = "".join("<tr>" + "".join(f"<td>{html.escape('' if r.get(k) is None else str(r.get(k)))}</td>"
                                        for k, _ in t.columns) + "</tr>" for r in t.rows)
        body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    return ("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>" + html.escape(title)
            + "</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}"
              "td,th{border:1px solid #999;padding:2px 8px;font-size:13px}</style></head><body>"
            + "".join(body) + "</body></html>")


def process(engine: Engine, sessions: sessionmaker, job: dict, chunks: Iterator[bytes], progress: Progress) -> None:
    p = job["params"]
    quarters = (p["quarter"],) if p.get("quarter") else (1, 2, 3, 4)
    with unit_of_work(sessions) as session:
        tables = analysis.compute(session, year=p["year"], region_code=p.get("region_code"), quarters=quarters)
    progress.tick(force=True, fraction=0.5)
    title = title_of(p["year"], p.get("quarter"), p.get("region_code"))
    xlsx, page = workbook(tables, title), html_report(tables, title)
    with unit_of_work(sessions) as session:
        # a job taken up again after its worker died writes its files again, once
        session.execute(upsert(ReportFile.__table__, ["job_id"], ["title", "xlsx", "html", "created_at"]),
                        {"job_id": job["id"], "title": title, "xlsx": xlsx, "html": page, "created_at": clock.now()})
    progress.processed = progress.accepted = sum(len(t.rows) for t in tables)
