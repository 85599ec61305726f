"""The typing results of a run as a clerk takes them to Excel (CONTRACT: Exports): streamed in the
answer, or written by an export job when the list is too long for one request.

The columns are not confidential (no deciding facts: those are the agencies' data), so an export is
not a confidential read; codes travel with their Chinese labels.
"""
from __future__ import annotations

from sqlalchemy import Select, select

from getihu_kit.domain import regions
from getihu_kit.export_jobs import ExportList
from getihu_kit.labels import reason_label
from typing_svc.evaluation import results
from typing_svc.rules import TYPE_LABELS, TYPE_OF_RANK, ruleset_by_version

HEADER = ("统一社会信用代码", "分型年度", "分型", "分型代码", "判定依据", "区划代码", "区划名称", "行业代码", "分型运行",
          "是否已发布")


def query(f: dict) -> Select:
    """The results of run `run_no` in USCC order (the primary key's), under the list's filters."""
    q = select(results.c.uscc, results.c.type_code, results.c.met, results.c.region_code,
               results.c.industry_code).where(results.c.run_no == f["run_no"])
    if f.get("region_code"):
        q = q.where(results.c.region_code == f["region_code"])
    if f.get("type_code") is not None:
        q = q.where(results.c.type_code == f["type_code"])
    return q.order_by(results.c.uscc)


def shape(f: dict):
    ruleset = ruleset_by_version(f["ruleset"])
    reasons: dict[int, str] = {}  # a run has few distinct bitmasks: each is rendered once
    published = "是" if f["published"] else "否"

    def row(r) -> tuple:
        kind = TYPE_OF_RANK[r.type_code]
        if r.met not in reasons:
            reasons[r.met] = "；".join(reason_label(c) for c in ruleset.reasons(r.met))
        return (r.uscc, f["year"], TYPE_LABELS[kind], kind, reasons[r.met], r.region_code,
                regions.name(r.region_code), r.industry_code, f["run_id"], published)
    return row


RESULTS = ExportList(title="分型结果", header=HEADER, query=query, shape=shape)
