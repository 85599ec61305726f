"""The staff list of objections (typing results and cultivation notices) as a clerk takes it to
Excel (CONTRACT: Exports): the list's filters and order, codes as labels. The objector's name and
phone are masked as in the list (the detail of one objection shows them to its region's staff), so
an export is not a confidential read."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Select

from getihu_kit.domain import regions
from getihu_kit.domain.masking import mask_name, mask_phone
from getihu_kit.export_jobs import ExportList
from getihu_kit.labels import APPEAL_DECISION_LABELS, APPEAL_TARGET_LABELS, type_label
from appeal_svc import repository
from appeal_svc.models import Appeal
from appeal_svc.rules import workflow as wf
from appeal_svc.rules.deadlines import is_overdue

HEADER = ("异议编号", "异议对象", "统一社会信用代码", "年度", "区划代码", "区划名称", "原分型", "请求分型", "异议人",
          "联系电话", "异议理由", "状态", "受理时间", "答复期限", "是否超期", "处理结果", "更正后分型", "处理理由",
          "办结时间")
_A = Appeal.__table__


def _query(f: dict) -> Select:
    on = dt.date.fromisoformat(f["today"])
    stmt = repository.appeals_query(
        statuses=f["statuses"], region_code=f["region_code"], target_kind=f["target_kind"], appellant=None,
        due_before=dt.date.fromisoformat(f["due_before"]) if f["due_before"] else None,
        overdue_on=on if f["overdue"] else None, open_statuses=wf.OPEN)
    return stmt.with_only_columns(*_A.c).order_by(Appeal.due_on, Appeal.id)


def _shape(f: dict):
    today = dt.date.fromisoformat(f["today"])

    def row(a) -> tuple:
        return (a.id, APPEAL_TARGET_LABELS.get(a.target_kind, a.target_kind), a.uscc, a.year, a.region_code,
                regions.name(a.region_code) if a.region_code else None,
                type_label(a.original_type) if a.original_type else None,
                type_label(a.requested_type) if a.requested_type else None, mask_name(a.objector_name),
                mask_phone(a.objector_phone), a.grounds, wf.STATUS_LABELS[a.status], a.filed_at, a.due_on,
                "是" if is_overdue(a.due_on, today, open_=wf.is_open(a.status)) else "否",
                APPEAL_DECISION_LABELS.get(a.decision, a.decision) if a.decision else None,
                type_label(a.corrected_type) if a.corrected_type else None, a.reason, a.decided_at)
    return row


APPEALS = ExportList(title="异议处理清单", header=HEADER, query=_query, shape=_shape)
